/**
 * Float32 copies between tensors and plain arrays without the intermediate copies of
 * `dataSync` and `tf.tensor(array.slice())`: on the wasm backend they read and write the
 * heap directly. Data-parallel training (train/data-parallel-worker.ts) moves every
 * gradient and parameter through shared memory each step, where those copies were a
 * tenth of a worker's step at the quick shape (measured, cpuprofile). Other backends take
 * the plain route.
 */
import * as tf from '@tensorflow/tfjs';
import { heapOffset, wasmHeapMemory, type WasmBackendHeap } from './batch-matmul.js';

/** The wasm backend, when it is the active one and `t` is float32 on it; else null. */
function wasmFor(t: tf.Tensor): WasmBackendHeap | null {
  if (tf.getBackend() !== 'wasm' || t.dtype !== 'float32') return null;
  return tf.backend() as unknown as WasmBackendHeap;
}

/** A view of `t`'s values on the wasm heap (valid until the heap grows). */
function heapView(backend: WasmBackendHeap, t: tf.Tensor): Float32Array {
  return new Float32Array(wasmHeapMemory(backend).buffer, heapOffset(backend, t), t.size);
}

/** Copies `t`'s float32 values into `out` at `offset`. */
export function copyTensorInto(t: tf.Tensor, out: Float32Array, offset: number): void {
  const backend = wasmFor(t);
  out.set(backend ? heapView(backend, t) : (t.dataSync() as Float32Array), offset);
}

/** A new float32 tensor of `shape` holding a copy of `values` (the caller may reuse them). */
export function tensorCopyOf(values: Float32Array, shape: readonly number[]): tf.Tensor {
  // The wasm backend copies the values onto its heap as the tensor is made; the cpu
  // backend keeps the array it is given, so it gets a copy of its own.
  const own = tf.getBackend() === 'wasm' ? values : values.slice();
  return tf.tensor(own, [...shape], 'float32');
}

/**
 * Gives `variable` a copy of `values` (its size). Always a new buffer, never in place:
 * tfjs-backend-wasm keeps XNNPACK operators with their weights packed, by tensor, so
 * weights changed under the same tensor would leave later products on the old values.
 */
export function assignValues(variable: tf.Variable, values: Float32Array): void {
  if (values.length !== variable.size) {
    throw new Error(`assignValues: ${values.length} values for a variable of ${variable.size}`);
  }
  const update = tensorCopyOf(values, variable.shape);
  variable.assign(update);
  update.dispose();
}
