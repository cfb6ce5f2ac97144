/**
 * Batched float32 matrix products in WebAssembly SIMD, built at run time by wasm-emit.ts:
 * C_b = op(A_b) · op(B_b) for every batch b, op being the identity or a transpose.
 *
 * The product is register-blocked: a micro-kernel keeps ROWS × VECTORS f32x4 accumulators
 * (4 rows of C by 2 × 4 columns), and for each k loads VECTORS vectors of B's row k and
 * splats A[i, k] once per row, so each value loaded is used 4 or 8 times. A is read by
 * strides, which covers a transposed A for free; B's rows must be contiguous and a whole
 * number of vectors long, so a transposed B, or a width that is not a multiple of 4, is
 * first packed into scratch (zero-padded), and a padded C is copied out at the end. Packing
 * is O(K·N) per batch, next to the product's O(M·K·N); the packed B stays in L1.
 *
 * The module imports its memory, so it runs in place on another module's heap (the tfjs
 * wasm backend's); all pointers and strides are byte offsets into that memory. It does not
 * use threads: one call runs on the calling thread.
 */
import {
  FunctionBuilder,
  Op,
  SimdOp,
  callIndex,
  encodeModule,
  instantiateOn,
  type WasmMemory,
} from './wasm-emit.js';

type Fn = FunctionBuilder;

/** Rows of C one micro-kernel call computes. */
const ROWS = 4;
/** f32x4 vectors of C's columns one micro-kernel call computes (VECTORS · 4 columns). */
const VECTORS = 2;
const LANES = 4;
const F32 = 4; // bytes
const ALIGN4 = 2; // log2 of the alignment promised to loads and stores: 4-byte floats

const kernelName = (rows: number, vectors: number) => `tile_${rows}x${vectors}`;
const MICRO_PARAMS = ['a', 'sAi', 'sAk', 'b', 'ldb', 'c', 'ldc', 'k'] as const;

/**
 * C[0:rows, 0:4·vectors] = Σ_k A[i, k] · B[k, j] for one tile; A(i, k) at a + i·sAi + k·sAk,
 * B(k, j) at b + k·ldb + 4j, C(i, j) at c + i·ldc + 4j (bytes). k ≥ 0.
 */
function microKernel(rows: number, vectors: number): Fn {
  const f = new FunctionBuilder(kernelName(rows, vectors), MICRO_PARAMS);
  const acc = (r: number, v: number) => `acc${r}_${v}`;
  const rowsAfterFirst = Array.from({ length: rows - 1 }, (_, r) => r + 1);
  f.locals('i32', ...rowsAfterFirst.map((r) => `aOff${r}`));
  const accs = Array.from({ length: rows * vectors }, (_, i) =>
    acc(Math.floor(i / vectors), i % vectors),
  );
  const bRow = Array.from({ length: vectors }, (_, v) => `b${v}`);
  f.locals('v128', ...accs, ...bRow, 'splat'); // accumulators start at zero (wasm locals do)
  for (const r of rowsAfterFirst) f.get('sAi').i32(r).op(Op.i32Mul).set(`aOff${r}`);
  f.whileLoop(
    (g) => g.get('k'),
    (g) => {
      bRow.forEach((name, v) =>
        g
          .get('b')
          .simd(SimdOp.v128Load, ...FunctionBuilder.memarg(ALIGN4, 16 * v))
          .set(name),
      );
      for (let r = 0; r < rows; r++) {
        g.get('a');
        if (r > 0) g.get(`aOff${r}`).op(Op.i32Add);
        g.simd(SimdOp.v128Load32Splat, ...FunctionBuilder.memarg(ALIGN4, 0)).set('splat');
        for (let v = 0; v < vectors; v++)
          g.get(acc(r, v))
            .get('splat')
            .get(bRow[v]!)
            .simd(SimdOp.f32x4Mul)
            .simd(SimdOp.f32x4Add)
            .set(acc(r, v));
      }
      g.addTo('a', (h) => h.get('sAk'));
      g.addTo('b', (h) => h.get('ldb'));
      g.addTo('k', (h) => h.i32(-1));
    },
  );
  for (let r = 0; r < rows; r++)
    for (let v = 0; v < vectors; v++) {
      f.get('c');
      if (r > 0) f.get('ldc').i32(r).op(Op.i32Mul, Op.i32Add);
      f.get(acc(r, v)).simd(SimdOp.v128Store, ...FunctionBuilder.memarg(ALIGN4, 16 * v));
    }
  return f;
}

const TILES: readonly (readonly [number, number])[] = [
  [ROWS, VECTORS],
  [ROWS, 1],
  [1, VECTORS],
  [1, 1],
];

/**
 * C = A · B for one batch: m rows, k inner, nv vectors of columns (4·nv, B and C padded to
 * it); strides as in `microKernel`. Full tiles first, then the leftover rows one at a time
 * and the leftover vectors one at a time.
 */
function gemm(tiles: readonly Fn[]): Fn {
  const f = new FunctionBuilder('gemm', [...MICRO_PARAMS.slice(0, 7), 'm', 'k', 'nv']);
  f.locals('i32', 'j', 'pb', 'pc');
  const call = (rows: number, vectors: number) => {
    for (const p of ['a', 'sAi', 'sAk', 'pb', 'ldb', 'pc', 'ldc', 'k']) f.get(p);
    f.op(Op.call, callIndex(tiles, kernelName(rows, vectors)));
    f.addTo('pb', (g) => g.i32(16 * vectors));
    f.addTo('pc', (g) => g.i32(16 * vectors));
    f.addTo('j', (g) => g.i32(-vectors));
  };
  const atLeast = (name: string, n: number) => (g: Fn) => g.get(name).i32(n).op(Op.i32GeS);
  for (const rows of [ROWS, 1])
    f.whileLoop(atLeast('m', rows), () => {
      f.get('nv').set('j').get('b').set('pb').get('c').set('pc');
      f.whileLoop(atLeast('j', VECTORS), () => call(rows, VECTORS));
      f.whileLoop(atLeast('j', 1), () => call(rows, 1));
      f.addTo('a', (g) => g.get('sAi').i32(rows).op(Op.i32Mul));
      f.addTo('c', (g) => g.get('ldc').i32(rows).op(Op.i32Mul));
      f.addTo('m', (g) => g.i32(-rows));
    });
  return f;
}

/**
 * dst[r, c] = src at src + r·sr + c·sc for c < cols, then `pad` zeros; dst rows ldd bytes
 * apart. Transposes (sc ≠ 4), pads, or copies a padded matrix out (pad = 0). The pad only
 * reaches C's pad columns, which are dropped; zeros there rather than whatever the heap
 * held keep denormals (slow on x86) out of the multiplies.
 */
function pack(): Fn {
  const f = new FunctionBuilder('pack', ['src', 'sr', 'sc', 'dst', 'ldd', 'rows', 'cols', 'pad']);
  f.locals('i32', 'ps', 'pd', 'n');
  const mem = FunctionBuilder.memarg(ALIGN4, 0);
  f.whileLoop(
    (g) => g.get('rows'),
    () => {
      f.get('src').set('ps').get('dst').set('pd').get('cols').set('n');
      f.whileLoop(
        (g) => g.get('n'),
        () => {
          f.get('pd')
            .get('ps')
            .op(Op.f32Load, ...mem, Op.f32Store, ...mem);
          f.addTo('ps', (g) => g.get('sc'))
            .addTo('pd', (g) => g.i32(F32))
            .addTo('n', (g) => g.i32(-1));
        },
      );
      f.get('pad').set('n');
      f.whileLoop(
        (g) => g.get('n'),
        () => {
          f.get('pd').op(Op.f32Const, 0, 0, 0, 0, Op.f32Store, ...mem);
          f.addTo('pd', (g) => g.i32(F32)).addTo('n', (g) => g.i32(-1));
        },
      );
      f.addTo('src', (g) => g.get('sr'))
        .addTo('dst', (g) => g.get('ldd'))
        .addTo('rows', (g) => g.i32(-1));
    },
  );
  return f;
}

/** The module's binary; `shared` for a shared memory (the threaded tfjs build's). */
export function gemmModuleBytes(shared: boolean): Uint8Array {
  return encodeModule(gemmFunctions(), shared);
}

/** The module's functions: the micro-kernels, the product and the packing. */
function gemmFunctions(): FunctionBuilder[] {
  const tiles = TILES.map(([r, v]) => microKernel(r, v));
  return [...tiles, gemm(tiles), pack()];
}

type I32Fn<N extends number, T extends unknown[] = []> = T['length'] extends N
  ? (...args: T) => void
  : I32Fn<N, [...T, number]>;

/** The exports of an instance. */
export interface GemmKernels {
  readonly gemm: I32Fn<10>;
  readonly pack: I32Fn<8>;
}

/** Compiles the module for `memory` (shared or not) and instantiates it on that memory. */
export function instantiateGemm(memory: WasmMemory): GemmKernels {
  return instantiateOn(gemmFunctions(), memory) as GemmKernels;
}

/** A batched product: byte offsets into the memory, and the logical sizes of one batch. */
export interface BatchedProduct {
  readonly a: number;
  readonly b: number;
  readonly out: number;
  readonly batch: number;
  /** Rows of op(A) and of C. */
  readonly m: number;
  /** Columns of op(A), rows of op(B). */
  readonly k: number;
  /** Columns of op(B) and of C. */
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** Bytes of scratch `batchedMatMul` needs (0: none). */
export function scratchBytes(p: BatchedProduct): number {
  const width = Math.ceil(p.n / LANES) * LANES;
  const packB = p.transposeB || width !== p.n;
  return ((packB ? p.k * width : 0) + (width !== p.n ? p.m * width : 0)) * F32;
}

/**
 * out_b = op(A_b) · op(B_b) for every batch: A_b is [m, k] ([k, m] transposed), B_b is
 * [k, n] ([n, k] transposed), out_b is [m, n], all row-major float32 batches one after the
 * other; `scratch` points at `scratchBytes(p)` free bytes.
 */
export function batchedMatMul(kernels: GemmKernels, p: BatchedProduct, scratch: number): void {
  const { m, k, n } = p;
  const nv = Math.ceil(n / LANES);
  const ld = nv * LANES * F32; // a padded row of B or C, bytes
  const packB = p.transposeB || nv * LANES !== n;
  const padC = nv * LANES !== n;
  const bPacked = scratch;
  const cPadded = scratch + (packB ? k * ld : 0);
  const [sAi, sAk] = p.transposeA ? [F32, m * F32] : [k * F32, F32];
  const [sBk, sBj] = p.transposeB ? [F32, k * F32] : [n * F32, F32];
  for (let i = 0; i < p.batch; i++) {
    const a = p.a + i * m * k * F32;
    const b = p.b + i * k * n * F32;
    const c = p.out + i * m * n * F32;
    if (packB) kernels.pack(b, sBk, sBj, bPacked, ld, k, n, nv * LANES - n);
    const [bUse, ldb] = packB ? [bPacked, ld] : [b, n * F32];
    kernels.gemm(a, sAi, sAk, bUse, ldb, padC ? cPadded : c, padC ? ld : n * F32, m, k, nv);
    if (padC) kernels.pack(cPadded, ld, F32, c, n * F32, m, n, 0);
  }
}
