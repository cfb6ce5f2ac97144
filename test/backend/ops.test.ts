import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  geluExact,
  layerNorm,
  matMul,
  unsortedSegmentSum,
} from '../../src/backend/index.js';
import { Random } from '../../src/util/index.js';
import { blockWeights, gradientsOn } from './block.js';

describe('backend ops', () => {
  it('gives the same gradients of a BERT-like block on wasm as on cpu (1e-5)', async () => {
    const raw = blockWeights(7, 16, 8, 16);
    const cpu = await gradientsOn('cpu', raw);
    const wasm = await gradientsOn('wasm', raw);
    expect(Math.abs(cpu.loss - wasm.loss)).toBeLessThan(1e-5);
    for (const [name, g] of Object.entries(cpu.grads)) {
      const other = wasm.grads[name]!;
      let maxAbs = 0;
      let maxDiff = 0;
      g.forEach((v, i) => {
        maxAbs = Math.max(maxAbs, Math.abs(v));
        maxDiff = Math.max(maxDiff, Math.abs(v - other[i]!));
      });
      expect(maxAbs, `${name} gradient is all zeros`).toBeGreaterThan(0);
      expect(maxDiff, `${name} gradient differs`).toBeLessThan(1e-5);
    }
    // The embedding gradient reaches only looked-up rows: row 1 (never used) stays zero,
    // row 5 (used twice) accumulates.
    const table = cpu.grads['table']!;
    expect(table.slice(8, 16).every((v) => v === 0)).toBe(true);
    expect(table.slice(40, 48).some((v) => v !== 0)).toBe(true);
  });

  it('matMul gradient equals tfjs’ own (transposed and batched operands)', async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const rng = new Random(3);
    const a = tf.tensor(
      Array.from({ length: 2 * 3 * 4 }, () => rng.normal()),
      [2, 3, 4],
    );
    const b = tf.tensor(
      Array.from({ length: 2 * 5 * 4 }, () => rng.normal()),
      [2, 5, 4],
    );
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(matMul(x, y, true))))([
      a,
      b,
    ]);
    const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.square(tf.matMul(x, y, false, true))),
    )([a, b]);
    for (let i = 0; i < 2; i++) {
      const d = tf.max(tf.abs(tf.sub(ours[i]!, theirs[i]!))).dataSync()[0]!;
      expect(d).toBeLessThan(1e-5);
    }
    tf.dispose([a, b, ...ours, ...theirs]);
  });

  it("frees matMul's transposed operands as each gradient is done", async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const H = 128;
    const weights = Array.from({ length: 8 }, (_, i) =>
      tf.variable(tf.randomNormal([H, H], 0, 0.05, 'float32', i)),
    );
    const x = tf.randomNormal([1, H], 0, 1, 'float32', 9);
    const start = tf.memory().numBytes;
    const { peakBytes } = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => {
        let h: tf.Tensor = x;
        for (const w of weights) h = matMul(h, w);
        return tf.sum(h) as tf.Scalar;
      }, weights);
      tf.dispose([value, ...Object.values(grads)]);
    });
    // 8 gradients + 8 saved weights (tf.profile counts a shared buffer once per tensor) and
    // the transposes in flight; kept to the end of the backward pass, the 8 transposed
    // weights made it 24.
    expect((peakBytes - start) / (4 * H * H)).toBeLessThan(18);
    tf.dispose([x, ...weights]);
  });

  it('unsortedSegmentSum scatter-adds rows and drops out-of-range ids', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // 4 rows of 2
    const out = unsortedSegmentSum(x, [4, 2], Int32Array.from([1, 0, 1, 5]), 3);
    expect(Array.from(out)).toEqual([3, 4, 6, 8, 0, 0]);
  });

  it('gather is differentiable on wasm (the kernel tfjs lacks there)', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 2, 2], 'int32'))))(
      tf.ones([3, 2]),
    );
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0, 2, 2]);
    g.dispose();
  });

  it('layerNorm and geluExact match their definitions', async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const x = tf.tensor2d([
      [1, 2, 4],
      [-1, 0, 3],
    ]);
    const y = layerNorm(
      x,
      tf.ones([3]) as tf.Tensor1D,
      tf.zeros([3]) as tf.Tensor1D,
    ).arraySync() as number[][];
    const row = [1, 2, 4];
    const mean = 7 / 3;
    const sd = Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / 3 + 1e-12);
    expect(y[0]![2]).toBeCloseTo((4 - mean) / sd, 5);
    const g = geluExact(tf.tensor1d([-1, 0, 1.5])).arraySync() as number[];
    // 0.5·x·(1 + erf(x/√2)); erf(1.5/√2) = 0.8663855975
    expect(g[2]).toBeCloseTo(0.75 * (1 + 0.8663855975), 5);
    expect(g[1]).toBe(0);
  });

  // Reference formulas differentiated by tfjs' own gradients (what ops.ts used to be).
  const plainLayerNorm = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number) => {
    const centered = tf.sub(x, tf.mean(x, -1, true));
    const variance = tf.mean(tf.square(centered), -1, true);
    return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
  };
  const plainGelu = (x: tf.Tensor) =>
    tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));

  /** Largest |a − b| over the pairs, after checking the shapes agree. */
  const maxDiff = (as: tf.Tensor[], bs: tf.Tensor[]): number =>
    Math.max(
      ...as.map((a, i) => {
        expect(a.shape).toEqual(bs[i]!.shape);
        return tf.max(tf.abs(tf.sub(a, bs[i]!))).dataSync()[0]!;
      }),
    );

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`layerNorm's written-out gradient equals tfjs' gradient of the formula (${backend})`, async () => {
      await initBackend({ prefer: backend, announce: false });
      const rng = new Random(11);
      const normal = (shape: number[], std = 1, mean = 0) =>
        tf.tensor(
          Array.from({ length: shape.reduce((a, b) => a * b) }, () => mean + rng.normal() * std),
          shape,
        );
      const x = normal([2, 3, 8], 2, 0.5);
      const gamma = normal([8], 0.3, 1);
      const beta = normal([8], 0.1);
      const upstream = normal([2, 3, 8]); // makes every output element matter differently
      const before = tf.memory().numTensors;
      for (const eps of [1e-12, 1]) {
        const loss = (ln: typeof layerNorm) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(ln(a, g as tf.Tensor1D, b as tf.Tensor1D, eps), upstream));
        const ours = tf.grads(loss(layerNorm))([x, gamma, beta]);
        const theirs = tf.grads(loss(plainLayerNorm as typeof layerNorm))([x, gamma, beta]);
        expect(
          tf.tidy(() => maxDiff(ours, theirs)),
          `eps ${eps}`,
        ).toBeLessThan(1e-5);
        const valueDiff = tf.tidy(() =>
          maxDiff(
            [layerNorm(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, eps)],
            [plainLayerNorm(x, gamma, beta, eps)],
          ),
        );
        expect(valueDiff).toBeLessThan(1e-5);
        tf.dispose([...ours, ...theirs]);
      }
      expect(tf.memory().numTensors).toBe(before); // the backward pass keeps nothing
      tf.dispose([x, gamma, beta, upstream]);
    });

    it(`geluExact's written-out gradient equals tfjs' gradient of the formula (${backend})`, async () => {
      await initBackend({ prefer: backend, announce: false });
      const x = tf.linspace(-5, 5, 41);
      const upstream = tf.linspace(0.5, 2, 41);
      const loss = (gelu: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) =>
        tf.sum(tf.mul(gelu(t), upstream));
      const ours = tf.grad(loss(geluExact))(x);
      const theirs = tf.grad(loss(plainGelu))(x);
      expect(tf.tidy(() => maxDiff([ours], [theirs]))).toBeLessThan(1e-5);
      // Φ(0) + 0·φ(0) = 0.5 at x = 0 (index 20), times the upstream weight there
      expect(ours.dataSync()[20]).toBeCloseTo(0.5 * upstream.dataSync()[20]!, 6);
      tf.dispose([x, upstream, ours, theirs]);
    });
  }
});
