import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { disposeTokenBatch, embed, toTokenBatch } from '../../src/model/index.js';
import type { EncodedBatch } from '../../src/text/index.js';
import {
  BatchSampler,
  contrastiveGradients,
  createDualEncoder,
  disposeDualEncoder,
  dualParameters,
  resolveTrainOptions,
  trainDualEncoder,
  type DualEncoder,
} from '../../src/train/index.js';
import {
  TRAIN_WORKERS_ENV,
  dataParallelEngine,
  shardRanges,
  trainWorkers,
  type ShardInput,
} from '../../src/train/data-parallel.js';
import { replicaFingerprint } from '../../src/train/replica.js';
import { shardGradients } from '../../src/train/step.js';
import { silentProgress } from '../../src/util/index.js';
import { useTempDir } from '../temp-dir.js';
import { tinyConfig, tinyDataset, tinyTokenizer } from './tiny-setup.js';

const dataset = tinyDataset();
const tokenizer = tinyTokenizer(dataset);
const config = tinyConfig(tokenizer.vocab.length);
const scratch = useTempDir('data-parallel');
const fresh = (): DualEncoder =>
  createDualEncoder({ config, queryLayers: 1, passageLayers: 2, seed: 3 });
// Mean pooling: a fresh CLS model sits at chance, where every gradient is rounding noise.
const TRAIN = Object.freeze({
  batchSize: 6,
  nHard: 1,
  qMaxLen: 8,
  pMaxLen: 10,
  lr: 5e-3,
  warmupSteps: 1,
  pooling: 'mean' as const,
  gradientAccumulation: 2,
  steps: 3,
  seed: 11,
});
const QUIET = { progress: silentProgress };

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

function snapshot(dual: DualEncoder): Map<string, Float32Array> {
  return new Map(
    dualParameters(dual).map((p) => [p.name, Float32Array.from(p.variable.dataSync())]),
  );
}

const norm = (x: ArrayLike<number>): number =>
  Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

/**
 * Parameters whose gradient is 0 in exact arithmetic, so only rounding noise is left: a key
 * bias adds one constant to a query's scores (softmax ignores it), and the passage encoder's
 * last LayerNorm bias shifts every passage embedding alike (each query's scores shift alike).
 */
const nullGradient = (name: string): boolean =>
  name.endsWith('attention.self.key.bias') ||
  name === 'passage/encoder.layer.1.output.LayerNorm.bias';

function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Array.from(a, (v, i) => v - b[i]!);
  return norm(d) / Math.max(norm(a), 1e-12);
}

describe('shardRanges and trainWorkers', () => {
  it('splits queries into contiguous shards and reads the worker count', () => {
    expect(shardRanges(7, 3)).toEqual([
      [0, 2],
      [2, 2],
      [4, 3],
    ]);
    expect(() => shardRanges(1, 2)).toThrow(/1 queries cannot fill 2 workers/);
    expect(trainWorkers(3, {})).toBe(3);
    expect(trainWorkers(undefined, { [TRAIN_WORKERS_ENV]: '2' })).toBe(2);
    expect(() => trainWorkers(undefined, { [TRAIN_WORKERS_ENV]: 'two' })).toThrow(
      /KALELAB_TRAIN_WORKERS: expected a positive integer, got "two"/,
    );
    expect(() => resolveTrainOptions({ workers: 0 })).toThrow(/workers/);
  });
});

describe('shardGradients', () => {
  it('sums over shards to the full-batch gradient (other shards as constants)', () => {
    const dual = fresh();
    const params = dualParameters(dual);
    const batch = new BatchSampler(dataset.corpus, dataset.splits.train!, {
      batchSize: 6,
      nHard: 1,
      seed: 2,
    }).next();
    const opts = { pooling: 'mean' as const, nHard: 1 };
    const encode = (q: readonly string[], p: readonly string[]) => ({
      q: toTokenBatch(tokenizer.encodeBatch(q, { maxLength: 8 })),
      p: toTokenBatch(tokenizer.encodeBatch(p, { maxLength: 10 })),
    });
    const full = encode(batch.queries, batch.passages);
    const want = contrastiveGradients(dual, full.q, full.p, params, opts);
    // The whole batch's embeddings, as a worker would receive them from the others.
    const queries = embed(dual.query, full.q, 'mean').dataSync() as Float32Array;
    const passages = embed(dual.passage, full.p, 'mean').dataSync() as Float32Array;
    const sum = new Map<string, Float32Array>();
    for (const [start, count] of shardRanges(6, 2)) {
      const s = encode(
        batch.queries.slice(start, start + count),
        batch.passages.slice(2 * start, 2 * (start + count)),
      );
      const got = shardGradients(dual, s.q, s.p, params, opts, () => ({
        queries,
        passages,
        queryRows: 6,
        queryStart: start,
        passageStart: 2 * start,
      }));
      expect(got.loss).toBeCloseTo(want.loss, 6); // the full batch's loss on every shard
      for (const [name, g] of got.grads) {
        const values = g.dataSync() as Float32Array;
        const acc = sum.get(name);
        sum.set(name, acc ? acc.map((v, i) => v + values[i]!) : Float32Array.from(values));
      }
      tf.dispose([...got.grads.values()]);
      disposeTokenBatch(s.q);
      disposeTokenBatch(s.p);
    }
    expect([...sum.keys()].sort()).toEqual([...want.grads.keys()].sort());
    const scale = Math.max(...[...want.grads.values()].map((g) => norm(g.dataSync())));
    for (const [name, g] of want.grads) {
      if (nullGradient(name)) expect(norm(sum.get(name)!), name).toBeLessThan(1e-5 * scale);
      else expect(relativeDiff(g.dataSync(), sum.get(name)!), name).toBeLessThan(1e-5);
    }
    tf.dispose([...want.grads.values()]);
    disposeTokenBatch(full.q);
    disposeTokenBatch(full.p);
    disposeDualEncoder(dual);
  });
});

describe('data-parallel training over worker threads', () => {
  it('gives the single-thread losses and weights with 2 workers', async () => {
    const one = fresh();
    const a = await trainDualEncoder(one, tokenizer, dataset, { ...TRAIN, workers: 1 }, QUIET);
    const two = fresh();
    const b = await trainDualEncoder(two, tokenizer, dataset, { ...TRAIN, workers: 2 }, QUIET);
    expect(b.steps).toBe(3);
    b.history.forEach((h, i) => {
      expect(Math.abs(h.loss - a.history[i]!.loss)).toBeLessThan(1e-6);
      expect(h.gradNorm).toBeCloseTo(a.history[i]!.gradNorm, 5);
    });
    expect(b.tokensPerSecond).toBeGreaterThan(0);
    const want = snapshot(one);
    const got = snapshot(two);
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, values] of want) {
      // Adam turns a null gradient's rounding noise into steps of up to ±lr: bounded only.
      if (nullGradient(name)) {
        const diff = Math.max(...values.map((v, i) => Math.abs(v - got.get(name)![i]!)));
        expect(diff, name).toBeLessThanOrEqual(2 * 3 * 5e-3);
      } else expect(relativeDiff(values, got.get(name)!), name).toBeLessThan(1e-5);
    }
    disposeDualEncoder(one);
    disposeDualEncoder(two);
  });

  it("resumes from a checkpoint (replica 0, every owner's moments) to the uninterrupted run", async () => {
    const opts = { ...TRAIN, steps: 4, workers: 2, checkpointEvery: 2 };
    const whole = fresh();
    const a = await trainDualEncoder(whole, tokenizer, dataset, opts, QUIET);
    const dir = join(scratch(), 'resume');
    const stopped = fresh();
    await trainDualEncoder(
      stopped,
      tokenizer,
      dataset,
      { ...opts, checkpointDir: dir },
      { ...QUIET, onStep: (r) => (r.step === 3 ? 'stop' : undefined) },
    );
    const resumed = fresh();
    const b = await trainDualEncoder(
      resumed,
      tokenizer,
      dataset,
      { ...opts, checkpointDir: dir },
      QUIET,
    );
    expect(b.resumedFrom).toBe(3);
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(replicaFingerprint(resumed)).toBe(replicaFingerprint(whole));
    for (const d of [whole, stopped, resumed]) disposeDualEncoder(d);
  });

  it('keeps the replicas identical and hands replica 0 back', async () => {
    const dual = fresh();
    const o = resolveTrainOptions({ ...TRAIN, gradientAccumulation: 1 });
    const engine = await dataParallelEngine(dual, o, 2, { tokenizer });
    try {
      const sampler = new BatchSampler(dataset.corpus, dataset.splits.train!, {
        batchSize: 6,
        nHard: 1,
        seed: 4,
      });
      for (let i = 0; i < 3; i++) await engine.step([sampler.next()], 1e-3);
      const prints = await engine.fingerprints();
      expect(prints.map((p) => p.step)).toEqual([3, 3]);
      expect(prints[1]!.hash).toBe(prints[0]!.hash);
      const before = replicaFingerprint(dual);
      const state = await engine.sync();
      expect(state.step).toBe(3);
      expect(replicaFingerprint(dual)).toBe(prints[0]!.hash);
      expect(replicaFingerprint(dual)).not.toBe(before);
    } finally {
      await engine.close();
      disposeDualEncoder(dual);
    }
  });

  it("turns a worker's error into a clear error, not a hang", async () => {
    const dual = fresh();
    const engine = await dataParallelEngine(dual, resolveTrainOptions(TRAIN), 2);
    const good = (start: number): ShardInput => ({
      q: tokenizer.encodeBatch(['wa0 wb0', 'wc0 wd0', 'we0 wf0'], { maxLength: 8 }),
      p: tokenizer.encodeBatch(['wa0', 'wb0', 'wc0', 'wd0', 'we0', 'wf0'], { maxLength: 10 }),
      queryRows: 6,
      passageRows: 12,
      queryStart: start,
      passageStart: 2 * start,
    });
    const broken = good(3);
    const bad: EncodedBatch = { ...broken.q, inputIds: new Int32Array(2) };
    const started = Date.now();
    try {
      // Worker 0 waits at the embedding exchange for worker 1, which fails first.
      await expect(engine.stepShards([[good(0), { ...broken, q: bad }]], 1e-3)).rejects.toThrow(
        /data-parallel training: worker 1 of 2 failed: toTokenBatch: inputIds has 2 values/,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
      await expect(engine.step([], 1e-3)).rejects.toThrow(/worker 1 of 2 failed/);
    } finally {
      await engine.close();
      disposeDualEncoder(dual);
    }
  });

  it('lets the process exit once training is done (workers terminated)', async () => {
    const src = (path: string) => pathToFileURL(join(process.cwd(), path)).href;
    const script = join(scratch(), 'train.mts');
    await writeFile(
      script,
      [
        `import { initBackend } from ${JSON.stringify(src('src/backend/index.ts'))};`,
        `import { createDualEncoder, trainDualEncoder } from ${JSON.stringify(src('src/train/index.ts'))};`,
        `import { silentProgress } from ${JSON.stringify(src('src/util/index.ts'))};`,
        `import { tinyConfig, tinyDataset, tinyTokenizer } from ${JSON.stringify(src('test/train/tiny-setup.ts'))};`,
        `await initBackend({ prefer: 'wasm', announce: false });`,
        `const dataset = tinyDataset(); const tokenizer = tinyTokenizer(dataset);`,
        `const dual = createDualEncoder({ config: tinyConfig(tokenizer.vocab.length), seed: 3 });`,
        `const r = await trainDualEncoder(dual, tokenizer, dataset, { batchSize: 4, qMaxLen: 8, pMaxLen: 10, steps: 2, workers: 2 }, { progress: silentProgress });`,
        `console.log(JSON.stringify({ steps: r.steps }));`,
      ].join('\n'),
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      timeout: 90_000, // a process kept alive by a worker would be killed here and fail
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ steps: 2 });
  });
});
