import { describe, expect, it } from 'vitest';
import {
  batchedMatMul,
  gemmModuleBytes,
  instantiateGemm,
  scratchBytes,
  type BatchedProduct,
} from '../../src/backend/gemm-wasm.js';
import { webAssembly } from '../../src/backend/wasm-emit.js';
import {
  TRANSPOSES,
  randomInputs,
  referenceProduct,
  relativeError,
  type ProductCase,
} from './matmul-reference.js';

const SENTINEL = -12345.5;
const GUARD = 8; // floats of sentinel around each region

/**
 * Runs `c` in a fresh memory, inputs and output at offsets that are not 16-byte aligned,
 * each region fenced by sentinels, and returns the product and whether every fence held.
 */
function runInMemory(c: ProductCase, shared: boolean, seed = 1) {
  const memory = new webAssembly.Memory({ initial: 64, maximum: 1024, shared });
  const kernels = instantiateGemm(memory);
  const { a, b } = randomInputs(c, seed);
  const outLen = c.batch * c.m * c.n;
  const probe = { ...c, a: 0, b: 0, out: 0 };
  const scratchLen = scratchBytes(probe) / 4;
  const f32 = new Float32Array(memory.buffer);
  f32.fill(SENTINEL);
  let at = 1 + GUARD; // 4 bytes past a 16-byte boundary
  const place = (len: number) => {
    const offset = at;
    at += len + GUARD;
    return offset;
  };
  const [ao, bo, oo, so] = [place(a.length), place(b.length), place(outLen), place(scratchLen)];
  f32.set(a, ao);
  f32.set(b, bo);
  const p: BatchedProduct = { ...c, a: ao * 4, b: bo * 4, out: oo * 4 };
  batchedMatMul(kernels, p, so * 4);
  const fenced = (start: number, len: number) =>
    f32.subarray(start - GUARD, start).every((v) => v === SENTINEL) &&
    f32.subarray(start + len, start + len + GUARD).every((v) => v === SENTINEL);
  const inputsKept =
    f32.subarray(ao, ao + a.length).every((v, i) => v === a[i]) &&
    f32.subarray(bo, bo + b.length).every((v, i) => v === b[i]);
  return {
    got: f32.slice(oo, oo + outLen),
    want: referenceProduct(c, a, b),
    fencesHeld:
      fenced(ao, a.length) && fenced(bo, b.length) && fenced(oo, outLen) && fenced(so, scratchLen),
    inputsKept,
  };
}

describe('gemm-wasm', () => {
  it('builds a module WebAssembly validates, for shared and unshared memory', () => {
    for (const shared of [false, true]) {
      expect(() => new webAssembly.Module(gemmModuleBytes(shared))).not.toThrow();
    }
  });

  it('equals a float64 product for every transpose and odd sizes, writing only its output', () => {
    const sizes: readonly (readonly [number, number, number])[] = [
      [1, 1, 1],
      [3, 5, 3],
      [5, 1, 7],
      [28, 32, 28],
      [28, 28, 32],
      [33, 64, 33],
      [33, 5, 64],
      [4, 3, 8],
      [9, 2, 13],
    ];
    for (const [transposeA, transposeB] of TRANSPOSES)
      for (const [m, k, n] of sizes) {
        const c = { batch: 3, m, k, n, transposeA, transposeB };
        const r = runInMemory(c, false);
        const name = JSON.stringify(c);
        expect(relativeError(r.got, r.want), name).toBeLessThan(1e-6);
        expect(r.fencesHeld, `${name} wrote outside its regions`).toBe(true);
        expect(r.inputsKept, `${name} changed an input`).toBe(true);
      }
  });

  it('runs on a shared memory (the threaded tfjs build’s)', () => {
    const c = { batch: 5, m: 13, k: 7, n: 10, transposeA: true, transposeB: true };
    const r = runInMemory(c, true);
    expect(relativeError(r.got, r.want)).toBeLessThan(1e-6);
    expect(r.fencesHeld).toBe(true);
  });

  it('needs scratch only to transpose or pad B and to pad C', () => {
    const base = { a: 0, b: 0, out: 0, batch: 2, m: 3, k: 5, transposeA: true };
    expect(scratchBytes({ ...base, n: 8, transposeB: false })).toBe(0);
    expect(scratchBytes({ ...base, n: 8, transposeB: true })).toBe(5 * 8 * 4);
    expect(scratchBytes({ ...base, n: 7, transposeB: false })).toBe((5 * 8 + 3 * 8) * 4);
  });
});
