/**
 * Kernels the wasm backend lacks or runs poorly, registered so tfjs' own gradients run well.
 *
 * - `UnsortedSegmentSum` is the gradient of `gather`, i.e. of every embedding lookup: without
 *   it, training any model with an embedding table throws on wasm. The sum is a scatter-add
 *   over rows, memory-bound, so a plain loop over the wasm heap is as fast as a native kernel.
 * - `Identity` (`tf.clone`) copies its input on wasm, where the cpu and webgl backends share
 *   the data, as wasm's own `Reshape` does. tfjs clones every tensor a gradient needs when it
 *   records it for the backward pass, so during training the copies were the largest share of
 *   a step's memory. Tensors are immutable (a variable's `assign` rebinds, it does not write
 *   in place), so sharing is safe.
 * - `GatherV2` on the first axis (every embedding lookup) copies whole rows (gather.ts).
 * - `BatchMatMul` with batch dimensions (attention's products and their gradients) runs on a
 *   scalar loop in tfjs-backend-wasm; batch-matmul.ts runs it in SIMD instead.
 */
import * as tf from '@tensorflow/tfjs';
import {
  heapOffset,
  registerBatchMatMul,
  wasmHeapMemory,
  type WasmBackendHeap as HeapBackend,
} from './batch-matmul.js';
import { registerGather } from './gather.js';

interface WasmBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
  incRef(dataId: tf.DataId): void;
}
type WasmBackendHeap = WasmBackendLike & HeapBackend;

const sizeOf = (t: tf.TensorInfo): number => tf.util.sizeFromShape(t.shape);

/**
 * The float32 segment sum straight on the heap: the output (a whole embedding table's
 * gradient) is made once there instead of in JS and then copied in.
 */
function segmentSumOnHeap(
  wasm: WasmBackendHeap,
  x: tf.TensorInfo,
  ids: tf.TensorInfo,
  shape: number[],
): tf.TensorInfo {
  const out = wasm.makeOutput(shape, 'float32');
  if (sizeOf(out) === 0) return out;
  // Views after makeOutput: it may have grown (and so replaced) the heap's buffer.
  const buffer = wasmHeapMemory(wasm).buffer;
  const target = new Float32Array(buffer, heapOffset(wasm, out), sizeOf(out)).fill(0);
  if (sizeOf(x) === 0) return out;
  const values = new Float32Array(buffer, heapOffset(wasm, x), sizeOf(x));
  scatterAdd(values, x.shape, new Int32Array(buffer, heapOffset(wasm, ids), sizeOf(ids)), target);
  return out;
}

let registered = false;

/** Registers the missing kernels for the wasm backend (idempotent). */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
        const { numSegments } = attrs as unknown as { numSegments: number };
        const wasm = backend as unknown as WasmBackendHeap;
        const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
        if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') {
          const values = wasm.readSync(x.dataId) as Float32Array;
          const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
          const out = unsortedSegmentSum(values, x.shape, ids, numSegments);
          return wasm.makeOutput(shape, x.dtype, undefined, out);
        }
        return segmentSumOnHeap(wasm, x, segmentIds, shape);
      },
    });
  }
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      (backend as unknown as WasmBackendLike).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  registerBatchMatMul();
  registerGather();
}

/**
 * out[s, ...] = Σ_{i: ids[i] = s} x[i, ...]; ids outside [0, numSegments) are dropped,
 * as TensorFlow does. `ids` covers the leading dimensions of `x` (flattened).
 */
export function unsortedSegmentSum(
  x: Float32Array,
  xShape: readonly number[],
  ids: Int32Array,
  numSegments: number,
): Float32Array {
  const width = ids.length === 0 ? 0 : xShape.reduce((a, b) => a * b, 1) / ids.length;
  const out = new Float32Array(numSegments * width);
  scatterAdd(x, xShape, ids, out);
  return out;
}

/** `out[s, ...] += x[i, ...]` for every i with ids[i] = s in [0, out rows). */
function scatterAdd(
  x: Float32Array,
  xShape: readonly number[],
  ids: Int32Array,
  out: Float32Array,
): void {
  const rows = ids.length;
  if (rows === 0) return;
  const width = xShape.reduce((a, b) => a * b, 1) / rows;
  const numSegments = out.length / width;
  for (let i = 0; i < rows; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * width;
    const dst = s * width;
    for (let j = 0; j < width; j++) out[dst + j]! += x[src + j]!;
  }
}
