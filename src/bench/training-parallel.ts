/**
 * Data-parallel training throughput for `kalelab bench`: the shapes of training.ts, each
 * step split over `workers` worker threads with one wasm thread each (train/data-parallel.ts),
 * on synthetic fixed-length token shards, so the number measures the step (embedding
 * exchange, all-reduce and every replica's AdamW included), not the data pipeline.
 */
import type { EncodedBatch } from '../text/index.js';
import {
  createDualEncoder,
  dataParallelEngine,
  disposeDualEncoder,
  resolveTrainOptions,
  shardRanges,
  stepCost,
  type ShardInput,
} from '../train/index.js';
import { Random } from '../util/index.js';
import { trainingRow, type TrainingBench, type TrainingShape } from './training.js';

function randomBatch(rng: Random, rows: number, len: number, vocab: number): EncodedBatch {
  const size = rows * len;
  return {
    inputIds: Int32Array.from({ length: size }, () => 5 + Math.floor(rng.next() * (vocab - 5))),
    attentionMask: new Int32Array(size).fill(1),
    tokenTypeIds: new Int32Array(size),
    batchSize: rows,
    seqLen: len,
    lengths: Array.from({ length: rows }, () => len),
  };
}

/** One micro-batch of `shape`, split into `workers` shards. */
function shards(shape: TrainingShape, workers: number): ShardInput[] {
  const rng = new Random(5);
  const group = 1 + shape.nHard;
  return shardRanges(shape.batch, workers).map(([start, count]) => ({
    q: randomBatch(rng, count, shape.qLen, shape.config.vocabSize),
    p: randomBatch(rng, count * group, shape.pLen, shape.config.vocabSize),
    queryRows: shape.batch,
    passageRows: shape.batch * group,
    queryStart: start,
    passageStart: start * group,
  }));
}

/** Median time of `steps` data-parallel steps (after one warm-up step) for `shape`. */
export async function benchTrainingParallel(
  shape: TrainingShape,
  workers: number,
  steps = 3,
): Promise<TrainingBench> {
  const dual = createDualEncoder({ config: shape.config, seed: 1, tied: shape.tied ?? false });
  const o = resolveTrainOptions({
    batchSize: shape.batch,
    nHard: shape.nHard,
    pooling: shape.pooling ?? 'cls',
    weightDecay: 0.01,
    maxGradNorm: 1,
  });
  const engine = await dataParallelEngine(dual, o, workers);
  try {
    const micro = [shards(shape, workers)];
    await engine.stepShards(micro, 1e-4);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await engine.stepShards(micro, 1e-4);
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    const timing = { medianSeconds: times[times.length >> 1]!, ...stepCost(shape) };
    return trainingRow(shape, timing, 1, workers);
  } finally {
    await engine.close();
    disposeDualEncoder(dual);
  }
}
