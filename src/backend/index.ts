export {
  initBackend,
  activeBackend,
  formatBackendReport,
  parseBackendList,
  BACKEND_NAMES,
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
export { registerWasmKernels, unsortedSegmentSum } from './kernels.js';
export { matMul, linear, geluExact, layerNorm, embeddingLookup, transposeLast2 } from './ops.js';
