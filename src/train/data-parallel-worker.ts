/**
 * The worker-thread side of data-parallel.ts: one single-threaded backend holding a full
 * replica of the dual encoder and its own AdamW. Per step, for each micro-batch, it embeds
 * its shard, swaps embeddings with the other workers through shared memory (blocking
 * inside the loss function), and takes its share of the full batch's gradient; then the
 * workers sum their gradients in shared memory, each updates the parameters it owns with
 * AdamW (clipped by the global norm of the whole sum), and every replica copies the others'
 * updated parameters in, so the replicas stay identical.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { assignValues, copyTensorInto, initBackend, tensorCopyOf } from '../backend/index.js';
import { disposeTokenBatch, toTokenBatch } from '../model/index.js';
import type { ShardedEmbeddings } from './contrastive-loss.js';
import type { FromWorker, ShardInput, ToWorker, WorkerInit } from './data-parallel.js';
import { dualParameters } from './dual-encoder.js';
import { clippedUpdate } from './engine.js';
import { Exchange, abortExchange, partitionParameters } from './exchange.js';
import { AdamW, GradientAccumulator, globalNorm } from './optimizer.js';
import { buildReplica, replicaFingerprint, replicaValues } from './replica.js';
import { shardGradients } from './step.js';

if (!parentPort)
  throw new Error('data-parallel-worker.ts runs only as a worker thread (see data-parallel.ts)');
const port: MessagePort = parentPort;
const init = workerData as WorkerInit;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

try {
  await initBackend({ prefer: init.backend, announce: false });
} catch (error) {
  post({ type: 'failed', message: `backend ${init.backend}: ${(error as Error).message}` });
  throw error;
}
const dual = buildReplica(init.replica);
const params = dualParameters(dual);
const names = params.map((p) => p.name);
const exchange = new Exchange(init.layout, init.buffers, init.index, init.timeoutMs);
// This worker keeps the moments of, and updates, only the parameters it owns (exchange.ts).
const owner = partitionParameters(init.layout.paramSizes, init.layout.workers);
const owned = params.filter((_, i) => owner[i] === init.index);
const optimizer = new AdamW(owned, init.adamw);
if (init.optimizer) {
  const mine = new Set(owned.map((p) => p.name));
  const moments = [...init.optimizer.moments].filter(([name]) => mine.has(name));
  optimizer.setState({ step: init.optimizer.step, moments: new Map(moments) });
}

/** Publishes this shard's embeddings, waits for every shard's, and returns copies of all. */
function swapEmbeddings(shard: ShardInput, queries: Float32Array, passages: Float32Array) {
  const h = init.layout.hidden;
  exchange.queryEmbeddings.set(queries, shard.queryStart * h);
  exchange.passageEmbeddings.set(passages, shard.passageStart * h);
  exchange.barrier('embeddings written');
  const all: ShardedEmbeddings = {
    queries: exchange.queryEmbeddings.slice(0, shard.queryRows * h),
    passages: exchange.passageEmbeddings.slice(0, shard.passageRows * h),
    queryRows: shard.queryRows,
    queryStart: shard.queryStart,
    passageStart: shard.passageStart,
  };
  // Nobody writes the next micro-batch's rows before everyone has copied these.
  exchange.barrier('embeddings read');
  return all;
}

/** This worker's gradient (mean over its micro-batches) and the mean loss. */
function shardShare(micro: readonly ShardInput[]): { loss: number; grads: Map<string, tf.Tensor> } {
  const accumulator = new GradientAccumulator();
  let loss = 0;
  try {
    for (const shard of micro) {
      const q = toTokenBatch(shard.q); // [b, Lq]
      const p = toTokenBatch(shard.p); // [b(1+n), Lp]
      try {
        const r = shardGradients(dual, q, p, params, init.loss, (qs, ps) =>
          swapEmbeddings(shard, qs, ps),
        );
        accumulator.add(r.grads);
        loss += r.loss;
      } finally {
        disposeTokenBatch(q);
        disposeTokenBatch(p);
      }
    }
  } catch (error) {
    accumulator.dispose();
    throw error;
  }
  return { loss: loss / micro.length, grads: accumulator.takeMean() };
}

/** Sums every worker's gradient in shared memory; returns the sum of the owned ones. */
function allReduce(grads: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Tensor> {
  const slot = exchange.slot(init.index);
  params.forEach((p, i) => {
    const g = grads.get(p.name);
    const at = exchange.offsets[i]!;
    if (g) copyTensorInto(g, slot, at);
    else slot.fill(0, at, at + p.variable.size); // no gradient here: contributes zero
    exchange.setPresent(i, g !== undefined);
  });
  exchange.barrier('gradients written');
  exchange.reduceShare();
  exchange.barrier('gradients summed');
  const sum = exchange.slot(0);
  const out = new Map<string, tf.Tensor>();
  params.forEach((p, i) => {
    if (owner[i] !== init.index || !exchange.anyPresent(i)) return;
    const at = exchange.offsets[i]!;
    // A copy (slot 0 is rewritten below).
    out.set(p.name, tensorCopyOf(sum.subarray(at, at + p.variable.size), p.variable.shape));
  });
  return out;
}

/** Every owner publishes its updated parameters in slot 0; the others copy them in. */
function shareUpdates(): void {
  const values = exchange.slot(0);
  params.forEach((p, i) => {
    if (owner[i] === init.index) copyTensorInto(p.variable, values, exchange.offsets[i]!);
  });
  exchange.barrier('parameters written');
  params.forEach((p, i) => {
    if (owner[i] === init.index) return;
    const at = exchange.offsets[i]!;
    assignValues(p.variable, values.subarray(at, at + p.variable.size));
  });
}

function step(lr: number, micro: readonly ShardInput[]): FromWorker {
  const share = shardShare(micro);
  let summed: Map<string, tf.Tensor> | undefined;
  try {
    summed = allReduce(share.grads);
  } finally {
    tf.dispose([...share.grads.values()]);
  }
  let gradNorm: number;
  try {
    // The clip factor needs the norm of the whole summed gradient: every owner's part.
    exchange.setPartialNorm(globalNorm(summed) ** 2);
    exchange.barrier('norms written');
    gradNorm = clippedUpdate(optimizer, summed, lr, init.maxGradNorm, exchange.totalNorm());
  } finally {
    tf.dispose([...summed.values()]);
  }
  shareUpdates();
  return { type: 'stepped', loss: share.loss, gradNorm };
}

function handle(message: ToWorker): void {
  if (message.type === 'step') {
    post(step(message.lr, message.micro));
  } else if (message.type === 'sync') {
    const values = init.index === 0 ? replicaValues(dual) : []; // the replicas are equal
    const state = optimizer.getState();
    const moments = [...state.moments.values()].flatMap((m) => [m.m.buffer, m.v.buffer]);
    post({ type: 'synced', values, optimizer: state }, [
      ...values.map((v) => v.buffer as ArrayBuffer),
      ...(moments as ArrayBuffer[]),
    ]);
  } else {
    post({ type: 'fingerprint', hash: replicaFingerprint(dual), step: optimizer.step });
  }
}

port.on('message', (message: ToWorker) => {
  try {
    handle(message);
  } catch (error) {
    abortExchange(init.buffers, init.index); // wakes the workers waiting for this one
    post({ type: 'failed', message: (error as Error).message });
  }
});
const expected = init.paramNames.join('\n');
if (names.join('\n') !== expected) {
  post({ type: 'failed', message: 'the replica has other parameters than the coordinator' });
} else {
  post({ type: 'ready', parameters: names.length });
}
