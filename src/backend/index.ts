export {
  initBackend,
  activeBackend,
  formatBackendReport,
  parseBackendList,
  BACKEND_NAMES,
  DEFAULT_ORDER,
  type BackendName,
  type BackendOptions,
  type BackendReport,
  type BackendAttempt,
} from './init.js';
export {
  explainHeapExhausted,
  isWasmHeapExhausted,
  wasmHeapBytes,
  type HeapContext,
} from './heap.js';
export { THREADS_ENV, availableCores, requestedThreads, checkWasmThreadShims } from './threads.js';
export { startWebgpu, SYNC_READ_ERROR, type WebgpuStart } from './webgpu.js';
export { registerWasmKernels, unsortedSegmentSum } from './kernels.js';
export {
  planBatchMatMul,
  originalBatchMatMul,
  batchMatMulFastCalls,
  BATCH_MATMUL_ATTRS,
  type BatchMatMulPlan,
} from './batch-matmul.js';
export { copyTensorInto, tensorCopyOf, assignValues } from './heap-copy.js';
export {
  adamwUpdate,
  adamwFusedCalls,
  type AdamWScalars,
  type AdamWTensors,
} from './adamw-wasm.js';
export { matMul, linear, geluExact, layerNorm, embeddingLookup, transposeLast2 } from './ops.js';
