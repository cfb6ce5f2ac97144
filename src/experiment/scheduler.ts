/**
 * Which of a grid's dual encoders train ahead on the background thread (background.ts),
 * and how the main thread gets a model: take it back from the worker's queue if the
 * worker has not started it (quicker trained here than waited for), else wait for it.
 * The full model always trains on the main thread: every pruned and aligned row needs it
 * first, while the half-depth and asymmetric models are needed only later. The others are
 * shared out so that both threads train about as much (`backgroundModels`).
 *
 * It does not train: ensureDual (models.ts) does, on whichever thread.
 */
import type { RetrievalDataset } from '../data/types.js';
import { activeBackend } from '../backend/index.js';
import type { BertConfig } from '../model/index.js';
import type { TrainOptions, WordEmbeddingInit } from '../train/index.js';
import { trainInBackground, type BackgroundHooks, type BackgroundJob } from './background.js';
import { isSealed } from './cache.js';
import type { EncodeSettings, GridKeys } from './keys.js';
import type { PlannedModel } from './plan.js';

export interface TrainAhead {
  /** Resolves once `name` is sealed in the cache, or at once if this thread should train it. */
  ready(name: string): Promise<void>;
  terminate(): Promise<void>;
}

const NOTHING_AHEAD: TrainAhead = Object.freeze({
  ready: () => Promise.resolve(),
  terminate: () => Promise.resolve(),
});

export interface TrainAheadSpec {
  readonly dataset: RetrievalDataset;
  /** Models the pending rows need, full model included (it stays on this thread). */
  readonly models: readonly PlannedModel[];
  readonly keys: GridKeys;
  /** The grid's vocabulary file (written already): the worker builds its tokenizer from it. */
  readonly vocab: string;
  readonly config: BertConfig;
  readonly seed: number;
  /** Training options: plain data (callbacks cannot cross to the worker). */
  readonly train: TrainOptions;
  readonly encode: EncodeSettings;
  /** The grid's resolved inference engine: the worker encodes indexes only on tfjs. */
  readonly engine: 'onnxruntime' | 'tfjs';
  readonly init?: string;
  readonly wordEmbeddings: () => Promise<WordEmbeddingInit | undefined>;
}

/** A training step's cost in layers: each query goes with a positive and a hard negative. */
const stepLayers = (m: PlannedModel): number => m.queryLayers + 2 * m.passageLayers;

/**
 * The models the background thread trains: the largest first, each to whichever thread
 * has less training so far (the main thread starts with 'full'). On the standard grid it
 * takes both asymmetric models and leaves the half-depth one to the main thread; giving the
 * worker all three kept the main thread idle for minutes after the full model (measured).
 */
export function backgroundModels(models: readonly PlannedModel[]): string[] {
  let main = models.filter((m) => m.name === 'full').reduce((a, m) => a + stepLayers(m), 0);
  let background = 0;
  const out: string[] = [];
  for (const m of [...models]
    .filter((x) => x.name !== 'full')
    .sort((a, b) => stepLayers(b) - stepLayers(a))) {
    if (background <= main) {
      out.push(m.name);
      background += stepLayers(m);
    } else main += stepLayers(m);
  }
  return out;
}

/**
 * Starts the worker on its share of the models (`backgroundModels`) not sealed yet; nothing when
 * there are none (or `enabled` is false: then everything trains on this thread).
 */
export async function trainAhead(
  spec: TrainAheadSpec,
  enabled: boolean,
  hooks: BackgroundHooks & { readonly log?: (line: string) => void },
): Promise<TrainAhead> {
  if (!enabled) return NOTHING_AHEAD;
  const jobs: BackgroundJob[] = [];
  const pending: PlannedModel[] = [];
  for (const m of spec.models) if (!(await isSealed(spec.keys.model(m.name)))) pending.push(m);
  for (const name of backgroundModels(pending)) {
    const m = pending.find((x) => x.name === name)!;
    const model = spec.keys.model(m.name);
    jobs.push({ ...m, model, index: spec.keys.index(m.name) });
  }
  if (jobs.length === 0) return NOTHING_AHEAD;
  const wordEmbeddings = await spec.wordEmbeddings();
  const background = trainInBackground(
    {
      backend: activeBackend()?.name ?? 'wasm',
      dataset: {
        name: spec.dataset.name,
        corpus: spec.dataset.corpus,
        splits: spec.dataset.splits,
        mainMetric: spec.dataset.mainMetric,
      },
      vocab: spec.vocab,
      config: spec.config,
      seed: spec.seed,
      train: spec.train,
      ...(spec.init ? { init: spec.init } : {}),
      ...(wordEmbeddings ? { wordEmbeddings } : {}),
      // On ONNX Runtime the main thread encodes the indexes (several times faster than the
      // worker's tfjs, and under the engine's fingerprint): the worker only trains.
      ...(spec.engine === 'tfjs'
        ? {
            index: {
              maxLength: spec.encode.pMaxLen,
              pooling: spec.encode.pooling,
              normalize: spec.encode.normalize,
            },
          }
        : {}),
      jobs,
    },
    {
      ...(hooks.progress ? { progress: hooks.progress } : {}),
      ...(hooks.onTrainStep ? { onTrainStep: hooks.onTrainStep } : {}),
    },
  );
  hooks.log?.(
    `${spec.dataset.name}: training ${jobs.map((j) => j.name).join(', ')} on a background thread`,
  );
  return {
    ready: (name) =>
      background.has(name) && !background.claim(name) ? background.ready(name) : Promise.resolve(),
    terminate: () => background.terminate(),
  };
}
