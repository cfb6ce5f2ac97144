import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend, isWasmHeapExhausted } from '../../src/backend/index.js';
import {
  BATCH_MATMUL_ATTRS,
  batchMatMulFastCalls,
  originalBatchMatMul,
  planBatchMatMul,
} from '../../src/backend/batch-matmul.js';
import { THREADS_ENV } from '../../src/backend/threads.js';
import {
  TRANSPOSES,
  randomInputs,
  referenceProduct,
  relativeError,
  storedShapes,
  type ProductCase,
} from './matmul-reference.js';
import { jsonFromChild } from './child-json.js';

const script = fileURLToPath(
  new URL('../fixtures/backend/batch-matmul-products.ts', import.meta.url),
);

/** tf.matMul on the active backend for `c`, stored shapes with `lead` batch dimensions. */
function product(c: ProductCase, lead: readonly number[], seed: number) {
  const { a, b } = randomInputs(c, seed);
  const shapes = storedShapes(c);
  const ta = tf.tensor(a, [...lead, ...shapes.a]);
  const tb = tf.tensor(b, [...lead, ...shapes.b]);
  return { ta, tb, want: referenceProduct(c, a, b) };
}

/** The same product on the wasm backend after a fresh start in a child process. */
const productsInChild = (threads: number) => jsonFromChild(script, threads);

describe('BatchMatMul on wasm', () => {
  beforeAll(async () => {
    process.env[THREADS_ENV] = '1';
    await initBackend({ prefer: 'wasm', announce: false });
    delete process.env[THREADS_ENV];
  });
  afterEach(() => vi.restoreAllMocks());

  it('equals a float64 product and the original kernel, every transpose, odd sizes (1e-5)', () => {
    const sizes: readonly (readonly [number, number])[] = [1, 3, 28, 33].flatMap((L) =>
      [1, 5, 32, 64].map((d) => [L, d] as const),
    );
    const batches = [2, 3, 17, 128];
    let i = 0;
    for (const [transposeA, transposeB] of TRANSPOSES)
      for (const [L, d] of sizes)
        // attention's two products: scores [L, d]·[d, L] and context [L, L]·[L, d]
        for (const [m, k, n] of [
          [L, d, L],
          [L, L, d],
        ] as const) {
          const batch = batches[i++ % batches.length]!;
          const c = { batch, m, k, n, transposeA, transposeB };
          const before = batchMatMulFastCalls();
          const { ta, tb, want } = product(c, [batch], i);
          const got = tf.matMul(ta, tb, transposeA, transposeB);
          const theirs = originalBatchMatMul(ta, tb, transposeA, transposeB);
          const name = JSON.stringify(c);
          expect(got.shape, name).toEqual([batch, m, n]);
          expect(batchMatMulFastCalls(), `${name} did not take the SIMD kernel`).toBe(before + 1);
          expect(relativeError(got.dataSync(), want), name).toBeLessThan(1e-5);
          expect(relativeError(got.dataSync(), theirs.dataSync()), name).toBeLessThan(1e-5);
          tf.dispose([ta, tb, got, theirs]);
        }
  });

  it('keeps rank-4 batch dimensions ([B, A, L, d] · [B, A, d, L]) and frees what it allocates', () => {
    const before = tf.memory().numTensors;
    const c = { batch: 6, m: 7, k: 4, n: 7, transposeA: false, transposeB: true };
    const { ta, tb, want } = product(c, [2, 3], 5);
    const buffers = tf.backend().numDataIds();
    const got = tf.matMul(ta, tb, false, true);
    expect(got.shape).toEqual([2, 3, 7, 7]);
    expect(tf.backend().numDataIds()).toBe(buffers + 1); // the output alone
    expect(relativeError(got.dataSync(), want)).toBeLessThan(1e-5);
    tf.dispose([ta, tb, got]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails as a full heap does when its scratch does not fit, leaking nothing', () => {
    const ta = tf.randomNormal([3, 4, 5]);
    const tb = tf.randomNormal([3, 6, 5]);
    const wasm = (tf.backend() as unknown as { wasm: { _malloc(n: number): number } }).wasm;
    const malloc = wasm._malloc.bind(wasm);
    // The output's allocation succeeds, the scratch's (B is transposed) finds no room.
    vi.spyOn(wasm, '_malloc')
      .mockImplementationOnce(malloc)
      .mockImplementationOnce(() => 0);
    const buffers = tf.backend().numDataIds();
    let error: unknown;
    try {
      tf.matMul(ta, tb, false, true);
    } catch (e) {
      error = e;
    }
    expect(isWasmHeapExhausted(error), String(error)).toBe(true);
    expect(tf.backend().numDataIds()).toBe(buffers);
    tf.dispose([ta, tb]);
  });

  it('hands batch 1 and broadcasting to the original kernel, still correct', () => {
    const cases: { a: number[]; b: number[] }[] = [
      { a: [1, 5, 3], b: [1, 3, 4] }, // batch 1
      { a: [1, 5, 3], b: [4, 3, 2] }, // broadcast A
      { a: [4, 5, 3], b: [3, 2] }, // rank-2 B
      { a: [2, 3, 5, 3], b: [1, 3, 3, 2] }, // broadcast an outer dimension
    ];
    for (const { a, b } of cases) {
      const before = batchMatMulFastCalls();
      const ta = tf.randomNormal(a, 0, 1, 'float32', 1);
      const tb = tf.randomNormal(b, 0, 1, 'float32', 2);
      const got = tf.matMul(ta, tb);
      // Broadcast by hand, then multiply batch by batch in float64.
      const shape = got.shape;
      const [m, k, n] = [a.at(-2)!, a.at(-1)!, b.at(-1)!];
      const batch = shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const lead = shape.slice(0, -2);
      const ea = tf.broadcastTo(ta.reshape([...Array(lead.length + 2 - a.length).fill(1), ...a]), [
        ...lead,
        m,
        k,
      ]);
      const eb = tf.broadcastTo(tb.reshape([...Array(lead.length + 2 - b.length).fill(1), ...b]), [
        ...lead,
        k,
        n,
      ]);
      const c = { batch, m, k, n, transposeA: false, transposeB: false };
      const want = referenceProduct(
        c,
        ea.dataSync() as Float32Array,
        eb.dataSync() as Float32Array,
      );
      expect(relativeError(got.dataSync(), want), JSON.stringify({ a, b })).toBeLessThan(1e-5);
      expect(batchMatMulFastCalls()).toBe(before);
      tf.dispose([ta, tb, got, ea, eb]);
    }
  });

  it('says why it declines a product', () => {
    const t = (shape: number[], dtype = 'float32') => ({ shape, dtype });
    const plain = { transposeA: false, transposeB: false };
    expect(planBatchMatMul(t([3, 2, 4]), t([3, 4, 5]), plain)).toEqual({
      product: { batch: 3, m: 2, k: 4, n: 5, transposeA: false, transposeB: false },
      outShape: [3, 2, 5],
    });
    expect(planBatchMatMul(t([1, 2, 4]), t([1, 4, 5]), plain)).toEqual({ reason: 'batch 1' });
    expect(planBatchMatMul(t([3, 2, 4], 'int32'), t([3, 4, 5]), plain)).toEqual({
      reason: 'not float32',
    });
    expect(planBatchMatMul(t([3, 2, 4]), t([3, 4, 5]), { ...plain, activation: 'relu' })).toEqual({
      reason: 'attrs activation',
    });
    expect(planBatchMatMul(t([3, 2, 4]), t([1, 4, 5]), plain)).toEqual({
      reason: 'broadcast batch dimensions',
    });
    expect(planBatchMatMul(t([3, 2, 4]), t([3, 5, 5]), plain)).toEqual({
      reason: 'inner dimensions differ',
    });
    expect(planBatchMatMul(t([3, 0, 4]), t([3, 4, 5]), plain)).toEqual({ reason: 'empty' });
  });

  // Fails loudly when a tfjs upgrade changes what matMul and its gradient pass the kernel.
  it('gets exactly the attrs it knows from tf.matMul and from its gradient', () => {
    const seen: { attrs: Record<string, unknown>; a: tf.TensorInfo; b: tf.TensorInfo }[] = [];
    const engine = tf.engine();
    const runKernel = engine.runKernel.bind(engine);
    vi.spyOn(engine, 'runKernel').mockImplementation((name, inputs, attrs) => {
      const { a, b } = inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (name === 'BatchMatMul')
        seen.push({ attrs: { ...(attrs as Record<string, unknown>) }, a, b });
      return runKernel(name, inputs, attrs);
    });
    const a = tf.randomNormal([3, 4, 5]);
    const b = tf.randomNormal([3, 6, 5]);
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y, false, true)))([
      a,
      b,
    ]);
    expect(seen.length).toBe(3); // the product, then dA and dB
    const flags = seen.map((s) => [s.attrs['transposeA'], s.attrs['transposeB']]);
    expect(flags).toContainEqual([false, true]);
    for (const s of seen) {
      expect(Object.keys(s.attrs).sort()).toEqual([...BATCH_MATMUL_ATTRS].sort());
      expect(planBatchMatMul(s.a, s.b, s.attrs)).not.toHaveProperty('reason');
    }
    tf.dispose([a, b, ...grads]);
  });

  it('gives an attention block’s gradients equal to the cpu backend’s (1e-5)', async () => {
    // scores = Q·Kᵀ/√d, softmax, context = P·V, through tf.matMul with batch dimensions
    // and transposeB, so the gradients run every transposed product.
    const shape = [2, 3, 7, 4]; // [B, A, L, d]
    const gradsOn = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ prefer: backend, announce: false });
      const inputs = [1, 2, 3].map((seed) => tf.randomNormal(shape, 0, 1, 'float32', seed));
      const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => {
        const p = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 0.5));
        const ctx = tf.matMul(p, v);
        return tf.sum(tf.mul(ctx, tf.range(0, 4).reshape([1, 1, 1, 4])));
      };
      const grads = tf.grads(f)(inputs);
      const values = grads.map((g) => g.dataSync().slice());
      tf.dispose([...inputs, ...grads]);
      return values;
    };
    const cpu = await gradsOn('cpu');
    const fastBefore = batchMatMulFastCalls();
    const wasm = await gradsOn('wasm');
    expect(batchMatMulFastCalls()).toBeGreaterThan(fastBefore);
    cpu.forEach((g, i) => {
      expect(g.some((x) => x !== 0)).toBe(true);
      expect(relativeError(wasm[i]!, g), `gradient ${i}`).toBeLessThan(1e-5);
    });
  });

  it('runs on the threaded build’s shared heap as on the unthreaded one', async () => {
    const [one, two] = await Promise.all([productsInChild(1), productsInChild(2)]);
    expect(one).toMatchObject({ threads: 1, sharedHeap: false, fastCalls: 4 });
    expect(two).toMatchObject({ threads: 2, sharedHeap: true, fastCalls: 4 });
    expect(one['maxError']).toBeLessThan(1e-5);
    expect(two['maxError']).toBe(one['maxError']);
  });
});
