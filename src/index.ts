/**
 * kalelab's public API, one stage of the data flow per folder, re-exported by name:
 * backend → data → text → model → train → compress → retrieval → eval → experiment → report.
 */
export * from './backend/index.js';
export * from './util/index.js';
export * from './data/index.js';
export * from './text/index.js';
export * from './model/index.js';
export * from './train/index.js';
export * from './compress/index.js';
export * from './retrieval/index.js';
export * from './eval/index.js';
export * from './bench/index.js';
export * from './experiment/index.js';
export * from './report/index.js';
export * from './serve/index.js';

// Names two stages both define: the explicit exports below take precedence over `export *`.
export { type LoadOptions } from './data/index.js';
export { type LoadOptions as CheckpointLoadOptions } from './model/index.js';
export { DEFAULT_ENCODE_OPTIONS } from './text/index.js';
export { DEFAULT_ENCODE_OPTIONS as DEFAULT_CORPUS_ENCODE_OPTIONS } from './retrieval/index.js';
