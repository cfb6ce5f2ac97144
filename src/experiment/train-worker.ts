/**
 * The worker-thread side of background.ts: trains each requested dual encoder with
 * `ensureDual` (saved in the workspace, so the main thread loads it), reporting progress,
 * steps and completion as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend/index.js';
import { loadEncoder } from '../model/index.js';
import { WordPieceTokenizer } from '../text/index.js';
import { disposeDualEncoder } from '../train/index.js';
import type { BackgroundRequest, WorkerMessage } from './background.js';
import { ensureDual } from './models.js';
import { workspace } from './workspace.js';
import type { RetrievalDataset } from '../data/types.js';

const port = parentPort;
if (!port) throw new Error('train-worker.ts runs only as a worker thread (see background.ts)');
const post = (message: WorkerMessage) => port.postMessage(message);
const request = workerData as BackgroundRequest;

await initBackend({ prefer: request.backend, announce: false });
const ws = workspace(request.out, request.dataset.name);
const tokenizer = await WordPieceTokenizer.fromVocabFile(request.vocab);
const init = request.init ? (await loadEncoder(request.init)).encoder : undefined;
const dataset: RetrievalDataset = request.dataset;

for (const job of request.jobs) {
  try {
    const trained = await ensureDual(
      ws,
      job.name,
      {
        config: request.config,
        queryLayers: job.queryLayers,
        passageLayers: job.passageLayers,
        seed: request.seed,
        ...(init ? { init } : {}),
        ...(request.wordEmbeddings ? { wordEmbeddings: request.wordEmbeddings } : {}),
      },
      tokenizer,
      dataset,
      {
        ...request.train,
        progress: (event) =>
          post({ type: 'progress', event: { ...event, label: `${event.label} ${job.name}` } }),
      },
      { onTrainStep: (model, record) => post({ type: 'step', model, record }) },
    );
    disposeDualEncoder(trained.dual);
    post({ type: 'done', model: job.name });
  } catch (error) {
    post({ type: 'failed', model: job.name, message: (error as Error).stack ?? String(error) });
  }
}
