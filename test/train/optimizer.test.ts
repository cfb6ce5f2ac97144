import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  AdamW,
  GradientAccumulator,
  clipByGlobalNorm,
  clipCoefficient,
  globalNorm,
  hfNoDecay,
} from '../../src/train/index.js';

// torch.optim.AdamW + clip_grad_norm_ run by test/fixtures/train/adamw_torch.py (torch 1.13.1).
const ref = JSON.parse(
  readFileSync(new URL('../fixtures/train/adamw-torch.json', import.meta.url), 'utf8'),
) as {
  weight_decay: number;
  max_norm: number;
  shapes: Record<string, number[]>;
  init: Record<string, number[]>;
  steps: Array<{
    lr: number;
    grads: Record<string, number[]>;
    norm_before_clip: number;
    params_after: Record<string, number[]>;
    exp_avg: Record<string, number[]>;
  }>;
};

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(
      tol + 1e-5 * Math.abs(expected[i]!),
    );
  }
}

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
});

describe('AdamW', () => {
  it('one step by hand: decoupled decay on weights, none on biases', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const b = tf.variable(tf.tensor1d([0.5]));
    const opt = new AdamW(
      [
        { name: 'encoder.layer.0.output.dense.weight', variable: w },
        { name: 'encoder.layer.0.output.dense.bias', variable: b },
      ],
      { weightDecay: 0.1 },
    );
    const gw = tf.tensor1d([0.1, -0.3]);
    const gb = tf.tensor1d([0.2]);
    const before = tf.memory().numTensors;
    opt.applyGradients(
      new Map([
        ['encoder.layer.0.output.dense.weight', gw],
        ['encoder.layer.0.output.dense.bias', gb],
      ]),
      0.01,
    );
    expect(tf.memory().numTensors).toBe(before);
    // Step 1: m̂ = g, √v̂ = |g|, so the Adam update is lr·g/(|g| + 1e-8) ≈ ±0.01;
    // w ← w·(1 − 0.01·0.1) − update: 1·0.999 − 0.0099999999 = 0.989, −2·0.999 + 0.01 = −1.988.
    close(w.dataSync(), [
      0.999 - 0.01 * (0.1 / (0.1 + 1e-8)),
      -1.998 + 0.01 * (0.3 / (0.3 + 1e-8)),
    ]);
    close(b.dataSync(), [0.5 - 0.01 * (0.2 / (0.2 + 1e-8))]); // bias: no decay
    expect(opt.step).toBe(1);
    tf.dispose([w, b, gw, gb]);
    opt.dispose();
  });

  it('matches torch.optim.AdamW with HF no-decay groups and clip_grad_norm_ over 3 steps', () => {
    const vars = new Map(
      Object.entries(ref.init).map(([n, v]) => [
        n,
        tf.variable(tf.tensor(v, ref.shapes[n]!, 'float32')),
      ]),
    );
    const opt = new AdamW(
      [...vars].map(([name, variable]) => ({ name, variable })),
      { weightDecay: ref.weight_decay },
    );
    expect(opt.decays('encoder.layer.0.attention.self.query.weight')).toBe(true);
    expect(opt.decays('encoder.layer.0.attention.self.query.bias')).toBe(false);
    expect(opt.decays('embeddings.LayerNorm.weight')).toBe(false);
    const start = tf.memory().numTensors;
    for (const step of ref.steps) {
      const grads = new Map(
        Object.entries(step.grads).map(([n, g]) => [n, tf.tensor(g, ref.shapes[n]!, 'float32')]),
      );
      const clipped = clipByGlobalNorm(grads, ref.max_norm);
      expect(clipped.norm).toBeCloseTo(step.norm_before_clip, 5);
      opt.applyGradients(clipped.grads, step.lr);
      tf.dispose([...grads.values(), ...clipped.grads.values()]);
      for (const [n, v] of vars) close(v.dataSync(), step.params_after[n]!);
      const st = opt.getState();
      for (const n of vars.keys()) close(st.moments.get(n)!.m, step.exp_avg[n]!);
    }
    expect(tf.memory().numTensors).toBe(start);
    opt.dispose();
    tf.dispose([...vars.values()]);
  });

  it('saves and restores its state so that the next step is identical', () => {
    const mk = (): { v: tf.Variable; o: AdamW } => {
      const v = tf.variable(tf.tensor1d([0.3, -0.7, 1.1]));
      return { v, o: new AdamW([{ name: 'x.weight', variable: v }], { weightDecay: 0.05 }) };
    };
    const g1 = tf.tensor1d([0.5, 0.1, -0.2]);
    const g2 = tf.tensor1d([-0.3, 0.4, 0.05]);
    const a = mk();
    a.o.applyGradients(new Map([['x.weight', g1]]), 0.1);
    const saved = a.o.getState();
    a.o.applyGradients(new Map([['x.weight', g2]]), 0.05);

    // A fresh optimiser given the parameter values after step 1 and the saved state.
    const c = mk();
    const afterStep1 = mk();
    afterStep1.o.applyGradients(new Map([['x.weight', g1]]), 0.1);
    c.v.assign(afterStep1.v);
    c.o.setState(saved);
    expect(c.o.step).toBe(1);
    c.o.applyGradients(new Map([['x.weight', g2]]), 0.05);
    expect(Array.from(c.v.dataSync())).toEqual(Array.from(a.v.dataSync()));
    expect(() => c.o.setState({ step: 1, moments: new Map() })).toThrow(/x\.weight/);
    for (const x of [a, c, afterStep1]) {
      x.o.dispose();
      x.v.dispose();
    }
    tf.dispose([g1, g2]);
  });

  it('shares one slot between tied parameters and rejects unknown names', () => {
    const v = tf.variable(tf.tensor1d([1]));
    const o = new AdamW([
      { name: 'query/w.weight', variable: v },
      { name: 'passage/w.weight', variable: v },
    ]);
    expect(o.names).toEqual(['query/w.weight']);
    const g = tf.tensor1d([1]);
    expect(() => o.applyGradients(new Map([['nope', g]]), 0.1)).toThrow(/nope/);
    expect(() => o.applyGradients(new Map([['query/w.weight', g]]), -1)).toThrow(/lr/);
    o.dispose();
    tf.dispose([v, g]);
  });

  it('gradScale inside the update equals updating with clipped gradients', () => {
    const run = (useScale: boolean): number[] => {
      const v = tf.variable(tf.tensor1d([0.5, -1.5]));
      const o = new AdamW([{ name: 'a.weight', variable: v }], { weightDecay: 0.1 });
      const g = new Map([['a.weight', tf.tensor1d([3, -4])]]);
      if (useScale) o.applyGradients(g, 0.01, clipCoefficient(globalNorm(g), 1));
      else {
        const c = clipByGlobalNorm(g, 1);
        o.applyGradients(c.grads, 0.01);
        tf.dispose([...c.grads.values()]);
      }
      const out = Array.from(v.dataSync());
      tf.dispose([v, ...g.values()]);
      o.dispose();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('holds at most 6 parameter-sized tensors at once during an update (the formula has 15)', async () => {
    const n = 1 << 16;
    const weight = tf.variable(tf.randomNormal([n], 0, 1, 'float32', 1));
    const grad = tf.randomNormal([n], 0, 1, 'float32', 2);
    const optimizer = new AdamW([{ name: 'w', variable: weight }], { weightDecay: 0.01 });
    const start = tf.memory().numBytes;
    const { peakBytes } = await tf.profile(() =>
      optimizer.applyGradients(new Map([['w', grad]]), 1e-3, 0.5),
    );
    expect((peakBytes - start) / (4 * n)).toBeLessThanOrEqual(6);
    optimizer.dispose();
    tf.dispose([weight, grad]);
  });

  it('skips decay by HF rule', () => {
    expect(hfNoDecay('embeddings.LayerNorm.weight')).toBe(true);
    expect(hfNoDecay('encoder.layer.3.output.LayerNorm.bias')).toBe(true);
    expect(hfNoDecay('pooler.dense.bias')).toBe(true);
    expect(hfNoDecay('embeddings.word_embeddings.weight')).toBe(false);
  });
});

describe('gradient helpers', () => {
  it('clipByGlobalNorm leaves small gradients alone and scales big ones to maxNorm', () => {
    const small = new Map([['a', tf.tensor1d([0.3, 0.4])]]);
    const r1 = clipByGlobalNorm(small, 1);
    expect(r1.norm).toBeCloseTo(0.5, 6);
    close(r1.grads.get('a')!.dataSync(), [0.3, 0.4]);
    const big = new Map([
      ['a', tf.tensor1d([3])],
      ['b', tf.tensor1d([4])],
    ]);
    const r2 = clipByGlobalNorm(big, 1);
    expect(r2.norm).toBeCloseTo(5, 5);
    close(r2.grads.get('a')!.dataSync(), [3 / (5 + 1e-6)]);
    close(r2.grads.get('b')!.dataSync(), [4 / (5 + 1e-6)]);
    tf.dispose([...small.values(), ...big.values(), ...r1.grads.values(), ...r2.grads.values()]);
  });

  it('globalNorm squares one gradient at a time', async () => {
    const grads = new Map(
      Array.from({ length: 8 }, (_, i) => [`g${i}`, tf.fill([4096], i + 1)] as const),
    );
    const start = tf.memory().numBytes;
    let norm = 0;
    const { peakBytes } = await tf.profile(() => {
      norm = globalNorm(grads);
    });
    // ‖g‖² = 4096 · Σ i² for i = 1..8 = 4096 · 204
    expect(norm).toBeCloseTo(Math.sqrt(4096 * 204), 2);
    expect((peakBytes - start) / (4 * 4096)).toBeLessThan(2);
    tf.dispose([...grads.values()]);
  });

  it('GradientAccumulator averages micro-batch gradients without leaking', () => {
    const before = tf.memory().numTensors;
    const acc = new GradientAccumulator();
    acc.add(new Map([['a', tf.tensor1d([1, 2])]]));
    acc.add(new Map([['a', tf.tensor1d([3, 6])]]));
    expect(acc.microBatches).toBe(2);
    const mean = acc.takeMean();
    close(mean.get('a')!.dataSync(), [2, 4]);
    tf.dispose([...mean.values()]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => acc.takeMean()).toThrow(/no gradients/);
  });
});
