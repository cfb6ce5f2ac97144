import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { geluExact, initBackend } from '../../src/backend/index.js';
import { geluBackward, geluForward, geluWasmCalls } from '../../src/backend/gelu-wasm.js';
import { THREADS_ENV } from '../../src/backend/threads.js';

/** x, GELU(x) and GELU'(x) in float64 by scipy's ndtr (scripts/fit-gelu.py wrote them). */
const reference = JSON.parse(
  readFileSync(new URL('../fixtures/backend/gelu-scipy.json', import.meta.url), 'utf8'),
) as { x: number[]; gelu: number[]; geluGrad: number[] };

/** Float32 rounding of the reference values, with a margin: 4e-7 was measured. */
const within = (got: ArrayLike<number>, want: readonly number[], what: string) => {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!) / (1e-6 + 1e-6 * Math.abs(want[i]!));
    worst = Math.max(worst, err);
    if (err > 1) throw new Error(`${what}: at x = ${reference.x[i]}, ${got[i]} vs ${want[i]}`);
  }
  return worst;
};

describe('GELU on wasm (gelu-wasm.ts)', () => {
  beforeAll(async () => {
    process.env[THREADS_ENV] = '1';
    await initBackend({ prefer: 'wasm', announce: false });
    delete process.env[THREADS_ENV];
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('matches scipy on [-12, 12] and beyond, forward and gradient, within 1e-6', () => {
    const n = reference.x.length;
    expect(n % 4).not.toBe(0); // so the last, overlapping vector is checked too
    const x = tf.tensor1d(reference.x);
    const dy = tf.onesLike(x);
    const before = geluWasmCalls();
    const y = geluForward(x)!;
    const g = geluBackward(x, dy)!;
    expect(geluWasmCalls()).toBe(before + 2);
    within(y.dataSync(), reference.gelu, 'gelu');
    within(g.dataSync(), reference.geluGrad, 'gelu gradient');
    tf.dispose([x, dy, y, g]);
  });

  it.each([4, 5, 6, 7, 9, 64, 1001])('handles %i elements (vector body and tail)', (n) => {
    const xs = reference.x.slice(600, 600 + n); // around 0, where Φ changes fastest
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(xs.map((_, i) => 1 + i / n)); // a real upstream gradient
    const y = geluForward(x)!.dataSync();
    const g = geluBackward(x, dy)!.dataSync();
    within(y, reference.gelu.slice(600, 600 + n), 'gelu');
    const scaled = reference.geluGrad.slice(600, 600 + n).map((v, i) => v * (1 + i / n));
    within(g, scaled, 'gelu gradient');
    x.dispose();
    dy.dispose();
  });

  it('declines where it does not apply: fewer than 4 elements, other shapes, other dtypes', () => {
    const small = tf.tensor1d([0.5, -1, 2]);
    const a = tf.zeros([2, 4]);
    const b = tf.zeros([4, 2]);
    const ints = tf.zeros([8], 'int32');
    expect(geluForward(small)).toBeNull();
    expect(geluBackward(a, b)).toBeNull();
    expect(geluForward(ints)).toBeNull();
    tf.dispose([small, a, b, ints]);
  });

  it('keeps infinities and NaN as the tfjs formula does', () => {
    const x = tf.tensor1d([Infinity, -Infinity, NaN, 0, -0, 1e30, -1e30, 3]);
    const y = Array.from(geluForward(x)!.dataSync());
    const tfjs = Array.from(
      tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1))).dataSync(),
    );
    expect(y.slice(0, 3)).toEqual(tfjs.slice(0, 3)); // inf, NaN, NaN
    expect(Math.abs(y[3]!) + Math.abs(y[4]!)).toBe(0);
    expect(y[5]).toBe(Math.fround(1e30));
    expect(Math.abs(y[6]!)).toBeLessThan(1e-30);
    x.dispose();
  });

  it('geluExact and its gradient on wasm equal the tfjs formula on the cpu backend', async () => {
    const values = Array.from({ length: 3 * 7 * 11 }, (_, i) => Math.sin(i * 0.37) * 4);
    const upstream = values.map((v, i) => Math.cos(i) + v / 10);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor3d(values, [3, 7, 11]);
        const w = tf.tensor3d(upstream, [3, 7, 11]);
        const y = geluExact(x);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(geluExact(t), w)))(x);
        return { y: Array.from(y.dataSync()), g: Array.from(g.dataSync()) };
      });
    const before = geluWasmCalls();
    const wasm = run();
    expect(geluWasmCalls()).toBeGreaterThan(before);
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    wasm.y.forEach((v, i) => expect(Math.abs(v - cpu.y[i]!)).toBeLessThan(2e-6));
    wasm.g.forEach((v, i) => expect(Math.abs(v - cpu.g[i]!)).toBeLessThan(2e-6));
  });
});
