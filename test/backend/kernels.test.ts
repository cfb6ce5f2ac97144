import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';

/** Buffers the wasm backend holds on its heap. */
const wasmBuffers = (): number => tf.backend().numDataIds();

describe('wasm kernels', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', announce: false });
  });

  it('clones (Identity) by sharing the buffer instead of copying it', () => {
    const before = wasmBuffers();
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(wasmBuffers()).toBe(before + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]); // the clone keeps it alive
    y.dispose();
    expect(wasmBuffers()).toBe(before); // freed with the last holder
  });

  it('keeps a clone of a variable unchanged when the variable is assigned', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, snapshot]);
  });
});
