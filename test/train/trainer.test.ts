import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { silentProgress, type ProgressEvent } from '../../src/util/index.js';
import {
  createDualEncoder,
  disposeDualEncoder,
  dualParameters,
  loadDualEncoder,
  trainDualEncoder,
  type DualEncoder,
  type StepRecord,
} from '../../src/train/index.js';
import { TINY_TRAIN, tinyConfig, tinyDataset, tinyTokenizer } from './tiny-setup.js';
import { useTempDir } from '../temp-dir.js';

const dataset = tinyDataset();
const tokenizer = tinyTokenizer(dataset);
const config = tinyConfig(tokenizer.vocab.length);
const scratch = useTempDir('train');

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

function snapshot(dual: DualEncoder): Map<string, Float32Array> {
  return new Map(
    dualParameters(dual).map((p) => [
      p.name,
      Float32Array.from(p.variable.dataSync() as Float32Array),
    ]),
  );
}

function expectSameWeights(a: Map<string, Float32Array>, b: Map<string, Float32Array>): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [name, values] of a)
    expect(Array.from(b.get(name)!), name).toEqual(Array.from(values));
}

const QUIET = { progress: silentProgress };

const fresh = (): DualEncoder =>
  createDualEncoder({ config, queryLayers: 1, passageLayers: 2, seed: 3 });

describe('trainDualEncoder', () => {
  it('lowers the loss, and a step leaves tf.memory().numTensors unchanged', async () => {
    const dual = fresh();
    const counts: number[] = [];
    const events: ProgressEvent[] = [];
    const result = await trainDualEncoder(
      dual,
      tokenizer,
      dataset,
      // Mean pooling: a from-scratch CLS vector needs ~100 steps to break symmetry (see presets.ts).
      {
        batchSize: 8,
        qMaxLen: 8,
        pMaxLen: 10,
        lr: 5e-3,
        warmupSteps: 3,
        steps: 30,
        seed: 1,
        pooling: 'mean',
      },
      {
        progress: (event) => void events.push(event),
        onStep: () => void counts.push(tf.memory().numTensors),
      },
    );
    expect(result.steps).toBe(30);
    // hooks.progress every logEvery (default 10) steps.
    expect(events.map((e) => [e.label, e.done, e.total])).toEqual([
      ['train', 10, 30],
      ['train', 20, 30],
      ['train', 30, 30],
    ]);
    expect(result.history).toHaveLength(30);
    const first = mean(result.history.slice(0, 5));
    const last = mean(result.history.slice(-5));
    // ln(16) = 2.77 is chance for 8 queries × 2 passages; training must get well below it.
    expect(first).toBeGreaterThan(2.5);
    expect(last).toBeLessThan(first - 0.8);
    expect(new Set(counts).size).toBe(1);
    expect(result.history[0]!.lr).toBe(0); // HF warm-up: the first update has lr 0
    expect(result.history[3]!.lr).toBeCloseTo(5e-3, 12);
    expect(result.examplesPerSecond).toBeGreaterThan(0);
    disposeDualEncoder(dual);
  });

  it('is deterministic by seed, and an interrupted-and-resumed run equals an uninterrupted one', async () => {
    const dirA = join(scratch(), 'a');
    const dirB = join(scratch(), 'b');
    const a = fresh();
    const ra = await trainDualEncoder(
      a,
      tokenizer,
      dataset,
      { ...TINY_TRAIN, checkpointDir: dirA },
      QUIET,
    );
    const weightsA = snapshot(a);

    // Same seed again, no checkpoints: identical.
    const again = fresh();
    const rAgain = await trainDualEncoder(again, tokenizer, dataset, TINY_TRAIN, QUIET);
    expect(rAgain.history.map((h) => h.loss)).toEqual(ra.history.map((h) => h.loss));
    expectSameWeights(weightsA, snapshot(again));
    disposeDualEncoder(again);

    // Stop after 3 steps (between checkpoints at 2 and 4): a checkpoint is written on stop.
    const b = fresh();
    const rb = await trainDualEncoder(
      b,
      tokenizer,
      dataset,
      { ...TINY_TRAIN, checkpointDir: dirB },
      { ...QUIET, onStep: (r) => (r.step === 3 ? 'stop' : undefined) },
    );
    expect(rb.stopped).toBe(true);
    expect(rb.steps).toBe(3);
    disposeDualEncoder(b);

    // A new process would start from a fresh model: resume into one.
    const c = fresh();
    const rc = await trainDualEncoder(
      c,
      tokenizer,
      dataset,
      { ...TINY_TRAIN, checkpointDir: dirB },
      QUIET,
    );
    expect(rc.resumedFrom).toBe(3);
    expect(rc.steps).toBe(6);
    expect(rc.history.map((h: StepRecord) => h.loss)).toEqual(ra.history.map((h) => h.loss));
    expectSameWeights(weightsA, snapshot(c));

    // The final checkpoint is a loadable pair of HF folders with the final weights.
    expect((await readdir(join(dirB, 'checkpoint'))).sort()).toEqual(
      [
        'COMPLETE',
        'dual.json',
        'optimizer.safetensors',
        'passage',
        'query',
        'trainer-state.json',
      ].sort(),
    );
    const loaded = await loadDualEncoder(join(dirB, 'checkpoint'));
    expectSameWeights(weightsA, snapshot(loaded.dual));
    expect(loaded.dual.query.config.numHiddenLayers).toBe(1);
    disposeDualEncoder(loaded.dual);

    // Resuming with different options is refused, naming the option.
    const d = fresh();
    await expect(
      trainDualEncoder(
        d,
        tokenizer,
        dataset,
        { ...TINY_TRAIN, seed: 12, checkpointDir: dirB },
        QUIET,
      ),
    ).rejects.toThrow(/option "seed"/);
    disposeDualEncoder(d);
    disposeDualEncoder(a);
    disposeDualEncoder(c);
  });

  it('stops on an abort signal with a checkpoint, and rejects bad options by name', async () => {
    const controller = new AbortController();
    const dual = fresh();
    const dir = join(scratch(), 'abort');
    const r = await trainDualEncoder(
      dual,
      tokenizer,
      dataset,
      {
        ...TINY_TRAIN,
        checkpointEvery: 0,
        checkpointDir: dir,
      },
      {
        ...QUIET,
        signal: controller.signal,
        onStep: (rec) => void (rec.step === 3 && controller.abort()),
      },
    );
    expect(r.stopped).toBe(true);
    expect(r.steps).toBe(3);
    expect(r.checkpoint).toBe(join(dir, 'checkpoint'));
    await expect(trainDualEncoder(dual, tokenizer, dataset, { batchSize: 0 })).rejects.toThrow(
      /TrainOptions\.batchSize: must be an integer ≥ 1, got 0/,
    );
    await expect(trainDualEncoder(dual, tokenizer, dataset, { lrate: 1 } as never)).rejects.toThrow(
      /lrate/,
    );
    await expect(trainDualEncoder(dual, tokenizer, dataset, { qMaxLen: 64 })).rejects.toThrow(
      /max_position_embeddings/,
    );
    await expect(trainDualEncoder(dual, tokenizer, dataset, { split: 'dev' })).rejects.toThrow(
      /no "dev" split/,
    );
    // Callbacks are hooks, not options: a caller still passing them is told where they went.
    await expect(
      trainDualEncoder(dual, tokenizer, dataset, { progress: silentProgress } as never),
    ).rejects.toThrow(/TrainOptions\.progress: is a TrainHooks field/);
    disposeDualEncoder(dual);
  });

  it('trains tied encoders (one set of variables)', async () => {
    const dual = createDualEncoder({ config, tied: true, seed: 3 });
    expect(dual.query).toBe(dual.passage);
    const r = await trainDualEncoder(dual, tokenizer, dataset, { ...TINY_TRAIN, steps: 3 }, QUIET);
    expect(r.steps).toBe(3);
    expect(Number.isFinite(r.history[2]!.loss)).toBe(true);
    disposeDualEncoder(dual);
  });
});

function mean(records: readonly StepRecord[]): number {
  return records.reduce((s, r) => s + r.loss, 0) / records.length;
}
