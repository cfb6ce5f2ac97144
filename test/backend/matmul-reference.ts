/**
 * A batched matrix product in float64, written as the definition reads, for the tests of
 * the SIMD kernel (gemm-wasm, batch-matmul) to compare against; and the error measure
 * they use.
 */
import type { BatchedProduct } from '../../src/backend/gemm-wasm.js';
import { Random } from '../../src/util/index.js';

/** The sizes of one product: the kernel's own, without the memory offsets. */
export type ProductCase = Omit<BatchedProduct, 'a' | 'b' | 'out'>;

/** The stored shapes of one batch of A and B ([m, k] or [k, m]; [k, n] or [n, k]). */
export function storedShapes(c: ProductCase): { a: [number, number]; b: [number, number] } {
  return {
    a: c.transposeA ? [c.k, c.m] : [c.m, c.k],
    b: c.transposeB ? [c.n, c.k] : [c.k, c.n],
  };
}

/** Random N(0, 1) inputs for `c`, batches one after the other. */
export function randomInputs(c: ProductCase, seed: number): { a: Float32Array; b: Float32Array } {
  const rng = new Random(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return { a: fill(c.batch * c.m * c.k), b: fill(c.batch * c.k * c.n) };
}

/** out_b = op(A_b) · op(B_b) in float64. */
export function referenceProduct(c: ProductCase, a: Float32Array, b: Float32Array): Float64Array {
  const { batch, m, k, n } = c;
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = t * m * k;
    const bo = t * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const x = c.transposeA ? a[ao + p * m + i]! : a[ao + i * k + p]!;
          const y = c.transposeB ? b[bo + j * k + p]! : b[bo + p * n + j]!;
          s += x * y;
        }
        out[t * m * n + i * n + j] = s;
      }
  }
  return out;
}

/** max |got − want| / max |want| (0 when both are all zeros). */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} ≠ ${want.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Every combination of transposeA and transposeB. */
export const TRANSPOSES: readonly (readonly [boolean, boolean])[] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
