import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  assignValues,
  copyTensorInto,
  initBackend,
  tensorCopyOf,
} from '../../src/backend/index.js';
import { THREADS_ENV } from '../../src/backend/threads.js';

const values = (n: number, from = 0) => Float32Array.from({ length: n }, (_, i) => from + i / 7);

/** The same checks on each backend: the wasm one reads and writes its heap directly. */
describe.each(['wasm', 'cpu'])('heap copies on %s', (backend) => {
  beforeAll(async () => {
    process.env[THREADS_ENV] = '1';
    await initBackend({ prefer: 'wasm', announce: false });
    delete process.env[THREADS_ENV];
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('copyTensorInto writes exactly the tensor’s values at the offset, nothing else', () => {
    const t = tf.tensor(values(11), [11]);
    const out = new Float32Array(new SharedArrayBuffer(20 * 4)).fill(-1);
    copyTensorInto(t, out, 5);
    expect(Array.from(out.subarray(5, 16))).toEqual(Array.from(t.dataSync()));
    expect([...out.subarray(0, 5), ...out.subarray(16)].every((x) => x === -1)).toBe(true);
    t.dispose();
  });

  it('tensorCopyOf keeps its own copy: changing the source later changes nothing', () => {
    const source = new Float32Array(new SharedArrayBuffer(12 * 4));
    source.set(values(12));
    const t = tensorCopyOf(source.subarray(2, 8), [2, 3]);
    source.fill(9);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(values(12).subarray(2, 8)));
    t.dispose();
  });

  it('assignValues overwrites a variable, and never a tensor that shares its buffer', () => {
    const start = tf.tensor(values(6), [2, 3]);
    const shared = tf.variable(start); // holds start's buffer too
    assignValues(shared, values(6, 100));
    expect(Array.from(shared.dataSync())).toEqual(Array.from(values(6, 100)));
    expect(Array.from(start.dataSync())).toEqual(Array.from(values(6)));
    start.dispose();
    assignValues(shared, values(6, 200));
    expect(Array.from(shared.dataSync())).toEqual(Array.from(values(6, 200)));
    expect(() => assignValues(shared, values(5))).toThrow(/5 values for a variable of 6/);
    shared.dispose();
  });
});
