/**
 * Row gathers on the wasm backend: `GatherV2` on the first axis (every embedding lookup) as
 * one heap copy per row. tfjs-backend-wasm's own kernel computes each element's source
 * through strides, about 9 µs a 128-wide row here (measured: 19 ms for the 2,048 passage
 * tokens of a quick-shape training step); a row copy is a memmove. Other gathers (another
 * axis, batch dimensions, 1-byte or 2-byte types) keep the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { heapOffset, wasmHeapMemory, type WasmBackendHeap } from './batch-matmul.js';
import { overrideWasmKernel } from './override.js';

let registered = false;
let rowCalls = 0;

/** How many gathers the row kernel has run in this process (the tests check it ran). */
export function gatherRowCalls(): number {
  return rowCalls;
}

/** Throws as tfjs' kernel does for an index outside [0, rows). */
function checkIndices(ids: Int32Array, rows: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= rows)
      throw new Error(`GatherV2: the index value ${id} is not in [0, ${rows - 1}]`);
  }
}

/** `x[ids]` along axis 0 for 4-byte `x`, one row copy per index. */
function gatherRows(backend: WasmBackendHeap, x: tf.TensorInfo, ids: tf.TensorInfo): tf.TensorInfo {
  const rows = x.shape[0]!;
  const width = tf.util.sizeFromShape(x.shape.slice(1));
  const count = tf.util.sizeFromShape(ids.shape);
  if (count > 0) {
    checkIndices(
      new Int32Array(wasmHeapMemory(backend).buffer, heapOffset(backend, ids), count),
      rows,
    );
  }
  const out = backend.makeOutput([...ids.shape, ...x.shape.slice(1)], x.dtype);
  if (count === 0 || width === 0) return out;
  // A view after makeOutput: it may have grown (and so replaced) the heap's buffer.
  const heap = new Int32Array(wasmHeapMemory(backend).buffer);
  const indexAt = heapOffset(backend, ids) >> 2;
  const from = heapOffset(backend, x) >> 2;
  let to = heapOffset(backend, out) >> 2;
  for (let i = 0; i < count; i++, to += width) {
    const start = from + heap[indexAt + i]! * width;
    heap.copyWithin(to, start, start + width);
  }
  rowCalls++;
  return out;
}

/** Replaces the wasm backend's `GatherV2` with the row kernel where it applies. */
export function registerGather(): void {
  if (registered) return;
  registered = true;
  overrideWasmKernel('GatherV2', (args, tfjsKernel) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    const rowWise =
      x.shape.length >= 1 &&
      (axis === 0 || axis === -x.shape.length) &&
      batchDims === 0 &&
      indices.dtype === 'int32' &&
      (x.dtype === 'float32' || x.dtype === 'int32');
    if (!rowWise) return tfjsKernel(args);
    return gatherRows(args.backend as unknown as WasmBackendHeap, x, indices);
  });
}
