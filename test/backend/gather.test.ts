import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend, wasmHeapBytes } from '../../src/backend/index.js';
import { gatherRowCalls } from '../../src/backend/gather.js';
import { THREADS_ENV } from '../../src/backend/threads.js';

interface Case {
  readonly name: string;
  readonly table: readonly number[];
  readonly ids: readonly number[];
  readonly idsShape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly axis: number;
}

const values = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) * 10);
const CASES: readonly Case[] = [
  // An embedding lookup: a [B, L] batch of ids with repeats, into a [V, H] table.
  {
    name: 'ids [3, 4] into [11, 5]',
    table: [11, 5],
    ids: [0, 3, 3, 10, 7, 0, 1, 2, 9, 9, 4, 5],
    idsShape: [3, 4],
    dtype: 'float32',
    axis: 0,
  },
  {
    name: 'ids [6] into [4, 3, 2]',
    table: [4, 3, 2],
    ids: [3, 0, 0, 2, 1, 3],
    idsShape: [6],
    dtype: 'float32',
    axis: 0,
  },
  { name: 'int32 table', table: [5, 3], ids: [4, 4, 0], idsShape: [3], dtype: 'int32', axis: 0 },
  { name: 'one column', table: [9, 1], ids: [8, 1], idsShape: [2, 1], dtype: 'float32', axis: 0 },
  { name: 'no ids', table: [9, 4], ids: [], idsShape: [0], dtype: 'float32', axis: 0 },
  // Not row-wise: tfjs' own kernel.
  { name: 'axis 1', table: [3, 6], ids: [5, 0, 2], idsShape: [3], dtype: 'float32', axis: 1 },
];

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The gather and its gradient (for float tables) on the active backend. */
function run(c: Case): { out: number[]; shape: number[]; grad?: number[] } {
  return tf.tidy(() => {
    const table = tf.tensor(values(size(c.table)), [...c.table], c.dtype);
    const ids = tf.tensor(c.ids, [...c.idsShape], 'int32');
    const out = tf.gather(table, ids, c.axis);
    if (c.dtype !== 'float32') return { out: Array.from(out.dataSync()), shape: out.shape };
    const weights = tf.tensor(
      values(out.size).map((v) => v / 3 + 1),
      out.shape,
    );
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids, c.axis), weights)))(
      table,
    );
    return { out: Array.from(out.dataSync()), shape: out.shape, grad: Array.from(grad.dataSync()) };
  });
}

describe('GatherV2 on wasm', () => {
  const reference = new Map<string, ReturnType<typeof run>>();

  beforeAll(async () => {
    process.env[THREADS_ENV] = '1';
    await initBackend({ prefer: 'wasm', announce: false });
    delete process.env[THREADS_ENV];
    // tfjs' cpu backend is the reference: its gather and gradient are tfjs' own.
    await tf.setBackend('cpu');
    for (const c of CASES) reference.set(c.name, run(c));
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each(CASES)('$name: the same rows and gradient as tfjs’ cpu backend', (c) => {
    const before = gatherRowCalls();
    const got = run(c);
    const want = reference.get(c.name)!;
    expect(got.shape).toEqual(want.shape);
    expect(got.out).toEqual(want.out); // a copy: bit for bit
    if (want.grad) {
      expect(got.grad!.length).toBe(want.grad.length);
      got.grad!.forEach((g, i) => expect(g).toBeCloseTo(want.grad![i]!, 5));
    }
    // Row-wise gathers with ids take the row kernel (twice with the gradient's forward).
    const rowWise = c.axis === 0 && c.ids.length > 0;
    expect(gatherRowCalls() > before).toBe(rowWise);
  });

  it('refuses an index outside the table, as tfjs does, and leaves no tensor behind', () => {
    const table = tf.tensor2d(values(12), [4, 3]);
    const before = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    for (const bad of [4, -1]) {
      const ids = tf.tensor1d([0, bad], 'int32');
      expect(() => tf.gather(table, ids)).toThrow(
        `GatherV2: the index value ${bad} is not in [0, 3]`,
      );
      ids.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.backend().numDataIds()).toBe(dataIds);
    table.dispose();
  });

  it('reads the rows after the heap grew while making the output', () => {
    // An output (64 MiB) large enough that making it grows the heap.
    const rows = 2048;
    const width = 1024;
    const table = tf.tensor2d(
      Float32Array.from({ length: rows * width }, (_, i) => i % 977),
      [rows, width],
    );
    const ids = tf.tensor1d(
      Int32Array.from({ length: 16384 }, (_, i) => (i * 37) % rows),
      'int32',
    );
    const heap = wasmHeapBytes()!;
    const out = tf.gather(table, ids);
    expect(wasmHeapBytes()!).toBeGreaterThan(heap);
    const got = out.dataSync();
    for (const i of [0, 1, 2047, 16383]) {
      const row = (i * 37) % rows;
      expect(got[i * width + 5]).toBe((row * width + 5) % 977);
    }
    tf.dispose([table, ids, out]);
  });
});
