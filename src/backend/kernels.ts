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
 * - `BatchMatMul` with batch dimensions (attention's products and their gradients) runs on a
 *   scalar loop in tfjs-backend-wasm; batch-matmul.ts runs it in SIMD instead.
 */
import * as tf from '@tensorflow/tfjs';
import { registerBatchMatMul } from './batch-matmul.js';

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
        const wasm = backend as unknown as WasmBackendLike;
        const values = wasm.readSync(x.dataId) as Float32Array;
        const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
        const out = unsortedSegmentSum(values, x.shape, ids, numSegments);
        return wasm.makeOutput(
          [numSegments, ...x.shape.slice(segmentIds.shape.length)],
          x.dtype,
          undefined,
          out,
        );
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
  const rows = ids.length;
  const width = rows === 0 ? 0 : xShape.reduce((a, b) => a * b, 1) / rows;
  const out = new Float32Array(numSegments * width);
  for (let i = 0; i < rows; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * width;
    const dst = s * width;
    for (let j = 0; j < width; j++) out[dst + j]! += x[src + j]!;
  }
  return out;
}
