import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend, isWasmHeapExhausted, wasmHeapBytes } from '../../src/backend/index.js';
import { wasmOutOfBoundsTrap } from './wasm-trap.js';

describe('isWasmHeapExhausted', () => {
  it("recognises a wasm kernel's out-of-bounds trap and an emscripten abort", () => {
    const trap = wasmOutOfBoundsTrap();
    expect(trap.message).toMatch(/memory access out of bounds/);
    expect(isWasmHeapExhausted(trap)).toBe(true);
    const abort = Object.assign(new Error('Aborted(). Build with -sASSERTIONS'), {
      name: 'RuntimeError',
    });
    expect(isWasmHeapExhausted(abort)).toBe(true);
  });

  it('leaves every other error alone', () => {
    expect(isWasmHeapExhausted(new Error('memory access out of bounds'))).toBe(false);
    expect(isWasmHeapExhausted(new RangeError('Array buffer allocation failed'))).toBe(false);
    expect(isWasmHeapExhausted('memory access out of bounds')).toBe(false);
    expect(isWasmHeapExhausted(undefined)).toBe(false);
  });
});

describe('wasmHeapBytes', () => {
  it('reads the wasm heap, which grows to hold a large tensor; null on another backend', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    const before = wasmHeapBytes()!;
    expect(before % 65536).toBe(0); // whole wasm pages
    const big = tf.zeros([before / 4 + 1]); // one float more than the heap had
    expect(wasmHeapBytes()!).toBeGreaterThan(before);
    big.dispose();
    await initBackend({ prefer: 'cpu', announce: false });
    expect(wasmHeapBytes()).toBeNull();
  });
});
