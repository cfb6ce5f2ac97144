/**
 * Data-parallel training over worker threads, with the exact full-batch gradient. Each
 * worker (data-parallel-worker.ts) is a single-threaded backend with a full replica of the
 * dual encoder; threaded wasm's pthread pool does not pay for itself at kalelab's widths
 * (environment.md), N replicas on N cores do.
 *
 * A step's batch (queries, positives, hard negatives) is split into N contiguous shards of
 * queries with their passages. In-batch negatives couple the shards, so per-shard losses
 * are not averaged: each worker embeds its shard, the embeddings meet in shared memory
 * (exchange.ts), and every worker computes the full batch's loss with the other shards'
 * embeddings as constants (`shardContrastiveLoss`). Every embedding is made by exactly one
 * worker, so the sum of the workers' parameter gradients is the full-batch gradient (no
 * dropout in kalelab's encoder: exact up to float summation order). The workers sum their
 * gradients in shared memory; each parameter is updated by one owning worker (AdamW, with
 * the clip factor of the whole sum's global norm) and copied into the other replicas, so
 * they stay identical; `sync` copies replica 0 and every owner's moments back.
 *
 * It does not sample batches or schedule the learning rate (trainer.ts does).
 */
import * as tf from '@tensorflow/tfjs';
import type { Worker } from 'node:worker_threads';
import { activeBackend, availableCores, THREADS_ENV, type BackendName } from '../backend/index.js';
import { encoderFlops, type Pooling } from '../model/index.js';
import type { EncodedBatch, WordPieceTokenizer } from '../text/index.js';
import { startModuleWorker } from '../util/module-worker.js';
import type { ContrastiveLossOptions } from './contrastive-loss.js';
import { dualParameters, type DualEncoder } from './dual-encoder.js';
import { adamwOptions, type StepEngine } from './engine.js';
import {
  abortExchange,
  allocateExchange,
  type ExchangeBuffers,
  type ExchangeLayout,
} from './exchange.js';
import type { AdamWOptions, AdamWState } from './optimizer.js';
import type { ResolvedTrainOptions } from './options.js';
import { assignReplicaValues, replicaSpec, type ReplicaSpec } from './replica.js';

/** The environment variable that sets the training workers (default: see `trainWorkers`). */
export const TRAIN_WORKERS_ENV = 'KALELAB_TRAIN_WORKERS';
/** Longest wait at an exchange before a worker gives up: far above a BERT-base shard's step. */
export const DEFAULT_EXCHANGE_TIMEOUT_MS = 600_000;
/** After one worker fails, how long the others get to report before the step fails. */
const FAILURE_GRACE_MS = 5_000;

/** One worker's part of one micro-batch: its tokens and where its rows sit in the batch. */
export interface ShardInput {
  readonly q: EncodedBatch;
  readonly p: EncodedBatch;
  /** The micro-batch's queries B and passages B(1+n). */
  readonly queryRows: number;
  readonly passageRows: number;
  readonly queryStart: number;
  readonly passageStart: number;
}

/** What a worker starts with (workerData); plain data and shared buffers. */
export interface WorkerInit {
  readonly index: number;
  readonly backend: BackendName;
  readonly replica: ReplicaSpec;
  readonly paramNames: readonly string[];
  readonly adamw: Omit<AdamWOptions, 'noDecay'>;
  readonly optimizer?: AdamWState;
  readonly loss: ContrastiveLossOptions & { readonly pooling: Pooling };
  readonly maxGradNorm: number;
  readonly layout: ExchangeLayout;
  readonly buffers: ExchangeBuffers;
  readonly timeoutMs: number;
}

export type ToWorker =
  | { readonly type: 'step'; readonly lr: number; readonly micro: readonly ShardInput[] }
  | { readonly type: 'sync' }
  | { readonly type: 'fingerprint' };

export type FromWorker =
  | { readonly type: 'ready'; readonly parameters: number }
  | { readonly type: 'stepped'; readonly loss: number; readonly gradNorm: number }
  | { readonly type: 'synced'; readonly values: Float32Array[]; readonly optimizer: AdamWState }
  | { readonly type: 'fingerprint'; readonly hash: string; readonly step: number }
  | { readonly type: 'failed'; readonly message: string };

/**
 * Workers for a run: `requested` if given, else `KALELAB_TRAIN_WORKERS`, else every core
 * when there are at least 2 and the backend is wasm. The same on a worker thread (the
 * grid's background trainer): the count changes float rounding, so a model must get the
 * same count wherever it is trained. Throws on a bad value, naming the variable.
 */
export function trainWorkers(requested?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (requested !== undefined) return requested;
  const raw = env[TRAIN_WORKERS_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`${TRAIN_WORKERS_ENV}: expected a positive integer, got "${raw}"`);
    }
    return n;
  }
  const backend = activeBackend()?.name ?? tf.getBackend();
  const cores = availableCores();
  return cores >= 2 && backend === 'wasm' ? cores : 1;
}

/** [start, count] of each of `workers` contiguous shards of `rows` (sizes differ by ≤ 1). */
export function shardRanges(rows: number, workers: number): [number, number][] {
  if (rows < workers) {
    throw new Error(`data-parallel training: ${rows} queries cannot fill ${workers} workers`);
  }
  return Array.from({ length: workers }, (_, w) => {
    const start = Math.floor((rows * w) / workers);
    return [start, Math.floor((rows * (w + 1)) / workers) - start];
  });
}

/** The data-parallel engine: steps on tokenized shards too, and a check that replicas agree. */
export interface DataParallelEngine extends StepEngine {
  /** One step on shards already tokenized, `micro[m][w]` worker w's part of micro-batch m. */
  stepShards(
    micro: readonly (readonly ShardInput[])[],
    lr: number,
  ): Promise<{ loss: number; gradNorm: number }>;
  /** Each replica's content hash and optimiser step, by worker. */
  fingerprints(): Promise<{ hash: string; step: number }[]>;
}

export interface DataParallelStart {
  /** Tokenizes the text batches of `step` (not needed for `stepShards`). */
  readonly tokenizer?: WordPieceTokenizer;
  /** Optimiser state to resume from. */
  readonly state?: AdamWState;
  /** Longest wait at an exchange. Default DEFAULT_EXCHANGE_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

/** Starts `workers` replicas of `dual` training with options `o`. */
export async function dataParallelEngine(
  dual: DualEncoder,
  o: ResolvedTrainOptions,
  workers: number,
  start: DataParallelStart = {},
): Promise<DataParallelEngine> {
  const { tokenizer, state, timeoutMs = DEFAULT_EXCHANGE_TIMEOUT_MS } = start;
  const hidden = dual.query.config.hiddenSize;
  if (dual.passage.config.hiddenSize !== hidden) {
    throw new Error(
      `data-parallel training: query hidden size ${hidden} ≠ passage ${dual.passage.config.hiddenSize}`,
    );
  }
  const params = dualParameters(dual);
  const layout: ExchangeLayout = {
    workers,
    queryRows: o.batchSize,
    passageRows: o.batchSize * (1 + o.nHard),
    hidden,
    paramSizes: params.map((p) => p.variable.size),
  };
  const buffers = allocateExchange(layout);
  const base = {
    backend: (activeBackend()?.name ?? tf.getBackend()) as BackendName,
    replica: replicaSpec(dual),
    paramNames: params.map((p) => p.name),
    adamw: adamwOptions(o),
    ...(state ? { optimizer: state } : {}),
    loss: {
      similarity: o.similarity,
      scale: o.scale,
      temperature: o.temperature,
      nHard: o.nHard,
      pooling: o.pooling,
    },
    maxGradNorm: o.maxGradNorm,
    layout,
    buffers,
    timeoutMs,
  };
  const pool = new WorkerPool(
    Array.from({ length: workers }, (_, index) =>
      startModuleWorker(import.meta.url, 'data-parallel-worker', {
        workerData: { ...base, index } satisfies WorkerInit,
        // One wasm thread per worker: the replicas are the parallelism (threads.ts).
        env: { ...process.env, [THREADS_ENV]: '1' },
        stdout: false,
        stderr: false,
      }),
    ),
    buffers,
  );
  try {
    await pool.all();
  } catch (error) {
    await pool.close();
    throw error;
  }
  const shard = (batch: { queries: readonly string[]; passages: readonly string[] }) => {
    if (!tokenizer) throw new Error('dataParallelEngine: step needs a tokenizer; none was given');
    const b = batch.queries.length;
    const group = batch.passages.length / b;
    return shardRanges(b, workers).map(([start, count]): ShardInput => ({
      q: tokenizer.encodeBatch(batch.queries.slice(start, start + count), { maxLength: o.qMaxLen }),
      p: tokenizer.encodeBatch(batch.passages.slice(start * group, (start + count) * group), {
        maxLength: o.pMaxLen,
      }),
      queryRows: b,
      passageRows: b * group,
      queryStart: start,
      passageStart: start * group,
    }));
  };
  const stepShards = async (micro: readonly (readonly ShardInput[])[], lr: number) => {
    const replies = await pool.all((w) => ({ type: 'step', lr, micro: micro.map((m) => m[w]!) }));
    const first = replies[0] as Extract<FromWorker, { type: 'stepped' }>;
    return { loss: first.loss, gradNorm: first.gradNorm };
  };
  return {
    workers,
    stepShards,
    async step(batches, lr) {
      const micro = batches.map(shard); // [micro][worker]
      let tokens = 0;
      let flops = 0;
      for (const s of micro.flat()) {
        tokens += [...s.q.lengths, ...s.p.lengths].reduce((a, b) => a + b, 0);
        flops +=
          3 *
          (encoderFlops(dual.query.config, s.q.batchSize, s.q.seqLen) +
            encoderFlops(dual.passage.config, s.p.batchSize, s.p.seqLen));
      }
      return { ...(await stepShards(micro, lr)), tokens, flops };
    },
    async sync() {
      // Replica 0's weights; each parameter's moments from the worker that owns it.
      const replies = (await pool.all(() => ({ type: 'sync' }))) as Extract<
        FromWorker,
        { type: 'synced' }
      >[];
      assignReplicaValues(dual, replies[0]!.values);
      const moments = new Map(replies.flatMap((r) => [...r.optimizer.moments]));
      const ordered = params.map((p) => [p.name, moments.get(p.name)!] as const);
      return { step: replies[0]!.optimizer.step, moments: new Map(ordered) };
    },
    async fingerprints() {
      const replies = await pool.all(() => ({ type: 'fingerprint' }));
      return replies.map((r) => {
        const f = r as Extract<FromWorker, { type: 'fingerprint' }>;
        return { hash: f.hash, step: f.step };
      });
    },
    close: () => pool.close(),
  };
}

/** The workers, one request at a time each; a failure fails the pool for good. */
class WorkerPool {
  private readonly waiting = new Map<number, (reply: FromWorker) => void>();
  private readonly exited = new Map<number, string>();
  private failure: Error | undefined;
  private closing = false;

  constructor(
    private readonly workers: readonly Worker[],
    private readonly buffers: ExchangeBuffers,
  ) {
    workers.forEach((worker, w) => {
      worker.on('message', (reply: FromWorker) => this.answer(w, reply));
      worker.on('error', (error) => this.answer(w, { type: 'failed', message: error.message }));
      worker.on('exit', (code) => {
        const why = `exited (code ${code})`;
        this.exited.set(w, why);
        if (!this.closing) this.answer(w, { type: 'failed', message: why });
      });
    });
  }

  private answer(w: number, reply: FromWorker): void {
    if (reply.type === 'failed') abortExchange(this.buffers, w); // wake the others
    const resolve = this.waiting.get(w);
    this.waiting.delete(w);
    resolve?.(reply);
  }

  private request(w: number, message: ToWorker | undefined): Promise<FromWorker> {
    const gone = this.exited.get(w);
    if (gone !== undefined) return Promise.resolve({ type: 'failed', message: gone });
    const reply = new Promise<FromWorker>((resolve) => this.waiting.set(w, resolve));
    if (message) this.workers[w]!.postMessage(message);
    return reply;
  }

  /**
   * Sends `make(w)` to each worker (none: await the start-up 'ready'; undefined for one
   * worker: ask nothing of it) and waits for every reply. On a failure the others get
   * FAILURE_GRACE_MS to report, then the error names the worker that failed first.
   */
  async all(make?: (w: number) => ToWorker | undefined): Promise<FromWorker[]> {
    if (this.failure) throw this.failure;
    const asked = this.workers.map((_, w) => (make ? make(w) : undefined));
    const replies: (FromWorker | undefined)[] = [];
    await new Promise<void>((resolve) => {
      let left = 0;
      let grace: NodeJS.Timeout | undefined;
      this.workers.forEach((_, w) => {
        if (make && asked[w] === undefined) return;
        left += 1;
        void this.request(w, asked[w]).then((reply) => {
          replies[w] = reply;
          if (reply.type === 'failed' && grace === undefined)
            grace = setTimeout(resolve, FAILURE_GRACE_MS);
          if (--left === 0) {
            clearTimeout(grace);
            resolve();
          }
        });
      });
      if (left === 0) resolve();
    });
    const failed = replies.flatMap((r, w) =>
      r?.type === 'failed' ? [[w, r.message] as const] : [],
    );
    if (failed.length === 0) return replies as FromWorker[];
    const by = new Int32Array(this.buffers.control)[0]! - 1; // who aborted first (exchange.ts)
    const [w, message] = failed.find(([i]) => i === by) ?? failed[0]!;
    this.failure = new Error(
      `data-parallel training: worker ${w} of ${this.workers.length} failed: ${message}`,
    );
    throw this.failure;
  }

  /** Wakes anything waiting at an exchange and ends every worker. */
  async close(): Promise<void> {
    this.closing = true;
    abortExchange(this.buffers, -1);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
