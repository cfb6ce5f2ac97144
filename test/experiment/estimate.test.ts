import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  backgroundModels,
  estimateSeconds,
  measureEncodeSecondsPerFlop,
  measureSearchSecondsPerFlop,
  measureSecondsPerFlop,
  planGrid,
  plannedWork,
  tokensFromWords,
  type GridOptions,
} from '../../src/experiment/index.js';
import { TINY_MODEL } from './synthetic-dataset.js';

// H 4, I 8: encoderFlops(N, B, T) = N · (2·B·T·H²·4 + 2·B·T²·H·2 + 2·B·T·H·I·2)
//                                 = N · (256·B·T + 16·B·T²)
const MODEL = { ...TINY_MODEL, hiddenSize: 4, intermediateSize: 8, numHiddenLayers: 2 };
const GRID: Pick<GridOptions, 'model' | 'train' | 'kale' | 'maxEvalQueries'> = {
  model: MODEL,
  train: { batchSize: 2, gradientAccumulation: 1, nHard: 1, epochs: 1, qMaxLen: 32, pMaxLen: 32 },
  kale: { batchSize: 4, epochs: 1, maxLength: 32 },
  maxEvalQueries: null,
};
const SIZE = { trainQueries: 10, testQueries: 6, documents: 7, queryTokens: 3, docTokens: 5 };

describe('plannedWork', () => {
  it('counts every training step, alignment step and encoded text in FLOPs (hand-computed)', () => {
    const plan = planGrid(
      { model: MODEL, queryDepths: [1], alignLosses: ['kl'], asymmetric: false, halfDepth: false },
      { name: 'toy', mainMetric: 'mrr@10' },
    );
    const work = plannedWork(plan, GRID, SIZE);
    const byLabel = Object.fromEntries(work.map((w) => [w.label, w]));
    // 10 queries / batch 2 = 5 steps; a step is 3 · (enc(2, 2, 3) + enc(2, 4, 5)) = 3 · (3648 + 13440).
    expect(byLabel['full']).toEqual({
      kind: 'train',
      label: 'full',
      thread: 'main',
      steps: 5,
      flops: 5 * 51264,
    });
    // ceil(10 / 4) = 3 steps of teacher forward enc(2, 4, 3) + 3 · student enc(1, 4, 3).
    expect(byLabel['kale-kl-q1']).toEqual({
      kind: 'align',
      label: 'kale-kl-q1',
      thread: 'main',
      steps: 3,
      flops: 3 * (7296 + 3 * 3648),
    });
    // 6 test queries through 2 or 1 layers; 7 documents through the full passage encoder.
    expect(byLabel['queries full']!.flops).toBe(10944);
    expect(byLabel['queries pruned-q1']!.flops).toBe(5472);
    expect(byLabel['queries kale-kl-q1']!.flops).toBe(5472);
    expect(byLabel['index full']).toEqual({
      kind: 'encode',
      label: 'index full',
      thread: 'main',
      steps: 7,
      flops: 23520,
    });
    // Each evaluation searches all 7 documents exactly for 6 queries at width 4: 2 · 6 · 7 · 4.
    // kale-kl-q1's recovery compares with pruned-q1, evaluated for its own row already.
    expect(work.filter((w) => w.kind === 'search')).toEqual(
      ['full', 'pruned-q1', 'kale-kl-q1'].map((id) => ({
        kind: 'search',
        label: `search ${id}`,
        thread: 'main',
        steps: 6,
        flops: 336,
      })),
    );
    expect(work).toHaveLength(9); // bm25 costs nothing here
    const estimate = estimateSeconds(work, { train: 1e-6 });
    expect(estimate.seconds).toBeCloseTo(0.356448 + 3 * 336e-6, 9);
    expect(estimate.byKind.train).toBeCloseTo(0.25632, 9);
    expect(estimate.trainSteps).toBe(5);
    expect(estimate.secondsPerGflop).toBeCloseTo(1000, 9);
    expect(estimate.wallSeconds).toBeCloseTo(estimate.seconds, 9); // one thread
    // Encoding at a tenth of the rate: its 10944 + 2 · 5472 + 23520 FLOPs cost a tenth.
    const faster = estimateSeconds(work, { train: 1e-6, encode: 1e-7, search: 1e-8 });
    expect(faster.byKind.encode).toBeCloseTo(0.0045408, 9);
    expect(faster.byKind.search).toBeCloseTo(3 * 336e-8, 12);
    expect(faster.byKind.train).toBeCloseTo(0.25632, 9);
    expect(faster.encodeSecondsPerGflop).toBeCloseTo(100, 9);
    expect(faster.searchSecondsPerGflop).toBeCloseTo(10, 9);
  });

  it('plans one training per model and one index per passage encoder of the whole grid', () => {
    const plan = planGrid(
      {
        model: { ...MODEL, numHiddenLayers: 4 },
        queryDepths: [1, 2],
        alignLosses: ['kl', 'mse'],
        asymmetric: true,
        halfDepth: true,
      },
      { name: 'toy', mainMetric: 'mrr@10' },
    );
    const work = plannedWork(plan, { ...GRID, model: { ...MODEL, numHiddenLayers: 4 } }, SIZE);
    const labels = (kind: string) => work.filter((w) => w.kind === kind).map((w) => w.label);
    expect(labels('train')).toEqual(['full', 'half-2', 'asym-q1', 'asym-q2']);
    expect(labels('align').sort()).toEqual(
      ['asym+kale-q1', 'kale-kl-q1', 'kale-kl-q2', 'kale-mse-q1', 'kale-mse-q2'].sort(),
    );
    expect(
      labels('encode')
        .filter((l) => l.startsWith('index'))
        .sort(),
    ).toEqual(['index asym-q1', 'index asym-q2', 'index full', 'index half-2'].sort());
    // asym+kale's recovery is measured against a pruned asym-q2 that no row evaluates.
    expect(labels('search')).toEqual(
      [
        ...plan.rows.filter((r) => r.query !== null).map((r) => r.id),
        'asym+kale-q1 (its pruned encoder)',
      ].map((id) => `search ${id}`),
    );
    // The half-depth model's training step is half the full model's (depth is linear).
    const train = Object.fromEntries(work.map((w) => [w.label, w.flops]));
    expect(train['half-2']! * 2).toBe(train['full']);

    // With the scheduler's background share, wall time is the busier thread's work.
    const ahead = new Set(backgroundModels(plan.models));
    expect([...ahead].sort()).toEqual(['asym-q1', 'asym-q2']);
    const split = plannedWork(
      plan,
      { ...GRID, model: { ...MODEL, numHiddenLayers: 4 } },
      SIZE,
      ahead,
    );
    const onThread = (t: string) =>
      split.filter((w) => w.thread === t).reduce((sum, w) => sum + w.flops, 0);
    const estimate = estimateSeconds(split, { train: 1e-6 });
    expect(
      split
        .filter((w) => w.thread === 'background')
        .map((w) => w.label)
        .sort(),
    ).toEqual(['asym-q1', 'asym-q2']);
    expect(estimate.wallSeconds).toBeCloseTo(
      Math.max(onThread('main'), onThread('background')) * 1e-6,
      12,
    );
    expect(estimate.wallSeconds).toBeLessThan(estimate.seconds);
  });

  it('caps test queries at maxEvalQueries and lengths at the schedule maxima', () => {
    const plan = planGrid(
      { model: MODEL, queryDepths: [1], alignLosses: ['kl'], asymmetric: false, halfDepth: false },
      { name: 'toy', mainMetric: 'mrr@10' },
    );
    const work = plannedWork(plan, { ...GRID, maxEvalQueries: 3 }, SIZE);
    expect(work.find((w) => w.label === 'queries full')!.steps).toBe(3);
    // Explicit step counts win over epochs, as in the trainer and in align.ts.
    const fixed = plannedWork(
      plan,
      { ...GRID, train: { ...GRID.train, steps: 11 }, kale: { ...GRID.kale, steps: 4 } },
      SIZE,
    );
    expect(fixed.find((w) => w.label === 'full')!.steps).toBe(11);
    expect(fixed.find((w) => w.label === 'kale-kl-q1')!.steps).toBe(4);
    expect(tokensFromWords(10, 32)).toBe(15); // ceil(13) + [CLS] + [SEP]
    expect(tokensFromWords(100, 32)).toBe(32);
  });
});

describe('estimateSeconds', () => {
  it('rejects a measured rate that is not a positive number', () => {
    expect(() => estimateSeconds([], { train: 0 })).toThrow(
      /rates.train must be a positive number, got 0/,
    );
    expect(() => estimateSeconds([], { train: Number.NaN })).toThrow(/got NaN/);
    expect(() => estimateSeconds([], { train: 1, encode: -1 })).toThrow(
      /rates.encode must be a positive/,
    );
    expect(() => estimateSeconds([], { train: 1, search: 0 })).toThrow(/rates.search must/);
  });
});

describe('measureSecondsPerFlop', () => {
  it('times real steps of the grid model and frees every tensor', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    const before = tf.memory().numTensors;
    const s = measureSecondsPerFlop(
      { model: MODEL, vocabSize: 50, train: { batchSize: 4, nHard: 1 } },
      { queryTokens: 6, docTokens: 8 },
      1,
    );
    expect(s).toBeGreaterThan(0);
    expect(Number.isFinite(s)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('measureEncodeSecondsPerFlop', () => {
  it('times forward passes on the tfjs engine and frees every tensor', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    const before = tf.memory().numTensors;
    const s = await measureEncodeSecondsPerFlop(
      { model: MODEL, vocabSize: 50, engine: 'tfjs', train: { pooling: 'mean' } },
      8,
      1,
    );
    expect(s).toBeGreaterThan(0);
    expect(Number.isFinite(s)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('measureSearchSecondsPerFlop', () => {
  it('times exact searches on the grid engine', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    for (const engine of ['tfjs', 'onnxruntime'] as const) {
      const s = await measureSearchSecondsPerFlop({ model: MODEL, engine }, 500, 1);
      expect(s, engine).toBeGreaterThan(0);
      expect(Number.isFinite(s), engine).toBe(true);
    }
  });
});
