/** kalelab's public API: each stage of the data flow, re-exported by name. */
export * from './backend/index.js';
export * from './util/index.js';
export * from './data/index.js';
