/**
 * `BatchMatMul` on the wasm backend, for products with batch dimensions.
 *
 * tfjs-backend-wasm 4.22 runs a plain 2-D product (batch 1) through XNNPACK, fast, but a
 * product where both operands carry the same batch of matrices — attention's
 * `[B, A, L, d] · [B, A, d, L]` and `[B, A, L, L] · [B, A, L, d]`, and the transposed
 * products of their gradients — through a scalar loop (1.1 GFLOP/s measured for
 * [128, 28, 32] · [128, 32, 28]). This override runs those through gemm-wasm.ts's SIMD
 * kernel, in place on the backend's heap (its module imports the backend's memory, shared
 * in the threaded build), and hands every other case to the original kernel: batch 1 on
 * either side, broadcasting, non-float32 inputs, empty tensors, or attrs other than the
 * two it knows. It runs on the calling thread also in the threaded build.
 */
import * as tf from '@tensorflow/tfjs';
import { batchedMatMul, instantiateGemm, scratchBytes, type BatchedProduct } from './gemm-wasm.js';
import { overrideWasmKernel } from './override.js';
import { isWasmMemory, perMemory, webAssembly, type WasmMemory } from './wasm-emit.js';

/** The attrs tfjs-core's `matMul` passes to `BatchMatMul` (4.22); test/backend checks them. */
export const BATCH_MATMUL_ATTRS: readonly string[] = Object.freeze(['transposeA', 'transposeB']);

/** The sizes of a product the SIMD kernel takes, and the output's shape. */
export interface BatchMatMulPlan {
  readonly product: Omit<BatchedProduct, 'a' | 'b' | 'out'>;
  readonly outShape: readonly number[];
}

interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
}

/**
 * The plan for `a · b` with these attrs if the SIMD kernel takes it, else why not (the
 * original kernel runs it then, and reports any error in the shapes itself).
 */
export function planBatchMatMul(
  a: TensorLike,
  b: TensorLike,
  attrs: Readonly<Record<string, unknown>>,
): BatchMatMulPlan | { readonly reason: string } {
  const unknown = Object.keys(attrs).filter((k) => !BATCH_MATMUL_ATTRS.includes(k));
  if (unknown.length > 0) return { reason: `attrs ${unknown.join(', ')}` };
  const { transposeA = false, transposeB = false } = attrs;
  if (typeof transposeA !== 'boolean' || typeof transposeB !== 'boolean')
    return { reason: 'transposeA / transposeB not booleans' };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return { reason: 'not float32' };
  const rank = a.shape.length;
  if (rank < 3 || b.shape.length !== rank) return { reason: 'no batch dimensions on both sides' };
  const outer = a.shape.slice(0, -2);
  if (outer.some((d, i) => d !== b.shape[i])) return { reason: 'broadcast batch dimensions' };
  const batch = outer.reduce((x, y) => x * y, 1);
  if (batch < 2) return { reason: 'batch 1' };
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [a1, a0] : [a0, a1];
  const [kB, n] = transposeB ? [b1, b0] : [b0, b1];
  if (k !== kB) return { reason: 'inner dimensions differ' };
  if (m === 0 || k === 0 || n === 0) return { reason: 'empty' };
  return {
    product: { batch, m, k, n, transposeA, transposeB },
    outShape: [...outer, m, n],
  };
}

/** What this file (and adamw-wasm.ts) uses of tfjs-backend-wasm's BackendWasm (4.22). */
export interface WasmBackendHeap {
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset?: unknown } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
  wasm: {
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** The threaded build's memory (the glue keeps it here). */
    wasmMemory?: unknown;
    /** The module's exports: the unthreaded build exports its memory. */
    asm?: Record<string, unknown>;
  };
}

const changed = (what: string): Error =>
  new Error(
    `batched matMul kernel: @tensorflow/tfjs-backend-wasm changed (${what}); see src/backend/batch-matmul.ts`,
  );

const heapMemories = new WeakMap<object, WasmMemory>();

/**
 * The backend's heap memory: the threaded build's `wasmMemory`, or the one the module
 * exports. Kept per backend: the Memory object stays (growing replaces only its buffer),
 * and every kernel call asks for it, so the module's exports are searched once.
 */
export function wasmHeapMemory(backend: WasmBackendHeap): WasmMemory {
  const known = heapMemories.get(backend.wasm);
  if (known !== undefined) return known;
  const { wasmMemory, asm } = backend.wasm;
  let memory: WasmMemory;
  if (isWasmMemory(wasmMemory)) memory = wasmMemory;
  else {
    const exported = Object.values(asm ?? {}).filter(isWasmMemory);
    if (exported.length !== 1) {
      throw changed(`its module exposes ${exported.length} memories, not 1`);
    }
    memory = exported[0]!;
  }
  heapMemories.set(backend.wasm, memory);
  return memory;
}

const gemmOn = perMemory(instantiateGemm);

/** Byte offset of `t`'s values in the backend's heap. */
export function heapOffset(backend: WasmBackendHeap, t: tf.TensorInfo): number {
  const offset = backend.dataIdMap.get(t.dataId)?.memoryOffset;
  if (typeof offset !== 'number') throw changed('a tensor has no numeric memoryOffset');
  return offset;
}

let fastCalls = 0;
let original: tf.KernelConfig | undefined;

/**
 * `a · b` by tfjs-backend-wasm's own kernel, which `registerBatchMatMul` replaced: for
 * tests and benchmarks that compare the two.
 */
export function originalBatchMatMul(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA = false,
  transposeB = false,
): tf.Tensor {
  if (original === undefined)
    throw new Error('originalBatchMatMul: registerBatchMatMul has not run');
  const info = original.kernelFunc({
    inputs: { a, b },
    backend: tf.backend(),
    attrs: { transposeA, transposeB },
  }) as tf.TensorInfo;
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** How many products the SIMD kernel has run in this process (the tests check it ran). */
export function batchMatMulFastCalls(): number {
  return fastCalls;
}

/**
 * Replaces the wasm backend's `BatchMatMul` with the SIMD one, keeping the original for
 * the other cases.
 */
export function registerBatchMatMul(): void {
  if (original !== undefined) return;
  original = overrideWasmKernel('BatchMatMul', (args, tfjsKernel) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const plan = planBatchMatMul(a, b, args.attrs ?? {});
    if ('reason' in plan) return tfjsKernel(args);
    const backend = args.backend as unknown as WasmBackendHeap;
    const kernels = gemmOn(wasmHeapMemory(backend));
    const where = { a: heapOffset(backend, a), b: heapOffset(backend, b) };
    const out = backend.makeOutput([...plan.outShape], 'float32');
    const bytes = scratchBytes({ ...plan.product, ...where, out: 0 });
    // malloc returns a signed i32; `>>> 0` for offsets above 2 GiB, as tfjs does.
    const scratch = bytes > 0 ? backend.wasm._malloc(bytes) >>> 0 : 0;
    if (bytes > 0 && scratch === 0) {
      backend.disposeData(out.dataId);
      // The trap a tfjs kernel gives when the heap is full, so heap.ts explains it.
      throw new webAssembly.RuntimeError(
        `Aborted(batched matMul: no ${bytes} bytes left on the heap)`,
      );
    }
    try {
      batchedMatMul(kernels, { ...plan.product, ...where, out: heapOffset(backend, out) }, scratch);
    } finally {
      if (bytes > 0) backend.wasm._free(scratch);
    }
    fastCalls++;
    return out;
  });
}
