/** Retrieval: BM25, exact dense top-k search, and the on-disk passage index. */
export { porterStem } from './porter.js';
export {
  analyze,
  wordTokens,
  ENGLISH_STOPWORDS,
  DEFAULT_ANALYZER_OPTIONS,
  type AnalyzerOptions,
} from './analyzer.js';
export { lengthToByte, byteToLength, luceneLength } from './lucene-norms.js';
export { TopK } from './topk.js';
export { Bm25Index, DEFAULT_BM25_OPTIONS, type Bm25Options, type Bm25Hit } from './bm25.js';
export {
  searchTopK,
  topKToRun,
  DEFAULT_SEARCH_OPTIONS,
  type SearchOptions,
  type SimilarityMetric,
  type TopKResult,
} from './search.js';
export {
  searchTopKOrt,
  searchTopKWith,
  SEARCH_ENGINES,
  DEFAULT_ORT_SEARCH_OPTIONS,
  type SearchEngine,
  type OrtSearchOptions,
} from './search-ort.js';
export {
  encodeCorpus,
  openIndex,
  readManifest,
  removeIndex,
  IndexMismatchError,
  INDEX_FORMAT,
  INDEX_VERSION,
  DEFAULT_ENCODE_OPTIONS,
  type EmbedFunction,
  type IndexManifest,
  type DenseIndex,
  type EncodeCorpusOptions,
  type EncodeCorpusResult,
} from './index-store.js';
