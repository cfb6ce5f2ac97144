import { describe, expect, it } from 'vitest';
import { isWasmHeapExhausted } from '../../src/backend/index.js';
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
