/**
 * Trains some of a grid's dual encoders on a worker thread while the main thread goes on
 * with the rest. tfjs-wasm runs on one thread in Node, so without this the second core of
 * a laptop idles through the whole grid.
 *
 * The worker (train-worker.ts) asks for one job at a time and makes that model with
 * `ensureDual` — the same function, options and seed as on the main thread, so the
 * weights are identical — sealing it in the grid's cache, with its passage index when asked.
 * `ready(name)` resolves once that model is on disk; the main thread's own `ensureDual`
 * then loads it. A job the worker has not started yet can be taken back with
 * `claim(name)` by a main thread that has nothing else to do (work stealing). Progress
 * and training steps come back as messages.
 */
import type { RetrievalDataset } from '../data/types.js';
import type { BackendName } from '../backend/index.js';
import type { BertConfig, Pooling } from '../model/index.js';
import type { StepRecord, TrainOptions, WordEmbeddingInit } from '../train/index.js';
import type { ProgressEvent, ProgressSink } from '../util/index.js';
import { startModuleWorker } from '../util/module-worker.js';
import { THREADS_ENV, availableCores } from '../backend/index.js';
import { gridThreads } from './options.js';
import type { ArtifactRef } from './cache.js';

/** One model the worker makes: `ensureDual(model, {config, depths, seed})`. */
export interface BackgroundJob {
  readonly name: string;
  readonly queryLayers: number;
  readonly passageLayers: number;
  /** Where the model goes in the cache (cache.ts): the main thread loads it from there. */
  readonly model: ArtifactRef;
  /** Its passage index, encoded right after training when given (with request.index). */
  readonly index?: ArtifactRef;
}

/** Everything the worker needs; it must survive structured cloning (no functions). */
export interface BackgroundRequest {
  readonly backend: BackendName;
  readonly dataset: Pick<RetrievalDataset, 'name' | 'corpus' | 'splits' | 'mainMetric'>;
  /** The grid's vocabulary file (already written by the main thread). */
  readonly vocab: string;
  readonly config: BertConfig;
  readonly seed: number;
  /** Training options, plain data (progress and signal stay on this side). */
  readonly train: TrainOptions;
  /** A Hugging Face checkpoint the models start from. */
  readonly init?: string;
  /** Pretrained word-embedding rows for from-scratch models. */
  readonly wordEmbeddings?: WordEmbeddingInit;
  /** How each job's passage index is encoded (as the grid encodes it). */
  readonly index?: {
    readonly maxLength: number;
    readonly pooling: Pooling;
    readonly normalize: boolean;
  };
  /** Models to make, in the order the worker takes them. */
  readonly jobs: readonly BackgroundJob[];
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly event: ProgressEvent }
  | { readonly type: 'step'; readonly model: string; readonly record: StepRecord }
  | { readonly type: 'done'; readonly model: string }
  | { readonly type: 'failed'; readonly model: string; readonly message: string }
  | { readonly type: 'next' };

/** The parent's answer to 'next': a job to train, or none left. */
export type ParentMessage =
  { readonly type: 'job'; readonly job: BackgroundJob } | { readonly type: 'none' };

export interface BackgroundHooks {
  readonly progress?: ProgressSink;
  readonly onTrainStep?: (model: string, record: StepRecord) => void;
}

export interface BackgroundTraining {
  /** True when `name` is one of the jobs (and was not claimed back). */
  has(name: string): boolean;
  /**
   * Takes `name` back if the worker has not started it: true means the caller trains it
   * (and `has(name)` is false from then on); false means the worker has it (or never had).
   */
  claim(name: string): boolean;
  /** Resolves when `name` is saved in the workspace; rejects if its training failed. */
  ready(name: string): Promise<void>;
  /** Resolves when every job is done (or failed); then the worker has exited. */
  readonly finished: Promise<void>;
  /** Stops the worker (a model being trained keeps its last checkpoint). */
  terminate(): Promise<void>;
}

/** Starts the worker on `request.jobs`, in order; see the file header. */
export function trainInBackground(
  request: BackgroundRequest,
  hooks: BackgroundHooks = {},
): BackgroundTraining {
  const pending = new Map(
    request.jobs.map((job) => {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A job nobody awaits (a row already finished) must not become an unhandled rejection.
      promise.catch(() => {});
      return [job.name, { promise, resolve, reject }] as const;
    }),
  );
  const worker = startModuleWorker(import.meta.url, 'train-worker', {
    workerData: request,
    // Its wasm threads: the cores shared with the main thread's trainer (options.ts).
    env: {
      ...process.env,
      [THREADS_ENV]: process.env[THREADS_ENV]?.trim()
        ? process.env[THREADS_ENV]
        : String(gridThreads({ backgroundTraining: true }, availableCores())),
    },
    // The worker prints nothing itself; an uncaught error arrives as an 'error' event.
    stdout: false,
    stderr: false,
  });
  const queue = [...request.jobs];
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'next') {
      const job = queue.shift();
      const reply: ParentMessage = job ? { type: 'job', job } : { type: 'none' };
      worker.postMessage(reply);
    } else if (message.type === 'progress') hooks.progress?.(message.event);
    else if (message.type === 'step') hooks.onTrainStep?.(message.model, message.record);
    else if (message.type === 'done') pending.get(message.model)?.resolve();
    else pending.get(message.model)?.reject(new Error(message.message));
  });
  const finished = new Promise<void>((resolve) => {
    const failAll = (error: Error) => {
      for (const job of pending.values()) job.reject(error);
      resolve();
    };
    worker.on('error', (error) =>
      failAll(new Error(`background training worker failed: ${error.message}`)),
    );
    worker.on('exit', (code) =>
      failAll(new Error(`background training worker exited (code ${code}) before finishing`)),
    );
  });
  return {
    has: (name) => pending.has(name),
    claim(name) {
      const at = queue.findIndex((job) => job.name === name);
      if (at < 0) return false;
      queue.splice(at, 1);
      pending.delete(name);
      return true;
    },
    ready(name) {
      const job = pending.get(name);
      if (!job) return Promise.reject(new Error(`no background job named "${name}"`));
      return job.promise;
    },
    finished,
    async terminate() {
      await worker.terminate();
    },
  };
}
