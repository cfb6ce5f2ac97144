/**
 * The worker-thread side of background.ts: asks the parent for a job, trains that dual
 * encoder with `ensureDual` (sealed in the grid's cache, so the main thread loads it), and
 * repeats until none is left, reporting progress, steps and completion as messages.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { initBackend } from '../backend/index.js';
import { loadEncoder } from '../model/index.js';
import { WordPieceTokenizer } from '../text/index.js';
import { disposeDualEncoder } from '../train/index.js';
import type {
  BackgroundJob,
  BackgroundRequest,
  ParentMessage,
  WorkerMessage,
} from './background.js';
import { ensureDual } from './models.js';
import { passageIndex } from './passage-index.js';
import type { RetrievalDataset } from '../data/types.js';
import type { ProgressSink } from '../util/index.js';

if (!parentPort)
  throw new Error('train-worker.ts runs only as a worker thread (see background.ts)');
const port: MessagePort = parentPort;
const post = (message: WorkerMessage) => port.postMessage(message);
const request = workerData as BackgroundRequest;

await initBackend({ prefer: request.backend, announce: false });
const tokenizer = await WordPieceTokenizer.fromVocabFile(request.vocab);
const init = request.init ? (await loadEncoder(request.init)).encoder : undefined;
const dataset: RetrievalDataset = request.dataset;

/** Progress of `model`'s loops, sent to the parent with the model's name in the label. */
function progressOf(model: string): ProgressSink {
  return (event) =>
    post({ type: 'progress', event: { ...event, label: `${event.label} ${model}` } });
}

/** The next job from the parent (it may have claimed some back), or undefined when none. */
function nextJob(): Promise<BackgroundJob | undefined> {
  return new Promise((resolve) => {
    port.once('message', (reply: ParentMessage) =>
      resolve(reply.type === 'job' ? reply.job : undefined),
    );
    post({ type: 'next' });
  });
}

for (let job = await nextJob(); job !== undefined; job = await nextJob()) {
  try {
    const trained = await ensureDual(
      job.model,
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
      request.train,
      {
        progress: progressOf(job.name),
        onTrainStep: (model, record) => post({ type: 'step', model, record }),
      },
    );
    if (request.index && job.index) {
      await passageIndex(job.index, trained.dual.passage, tokenizer, dataset, {
        ...request.index,
        progress: progressOf(job.name),
      });
    }
    disposeDualEncoder(trained.dual);
    post({ type: 'done', model: job.name });
  } catch (error) {
    post({ type: 'failed', model: job.name, message: (error as Error).stack ?? String(error) });
  }
}
