export {
  benchTraining,
  TRAINING_SHAPES,
  type TrainingBench,
  type TrainingShape,
} from './training.js';
export {
  benchTrainingPeers,
  type TrainingPeersOptions,
  type TrainingRows,
} from './training-peers.js';
/** Benchmarks behind `kalelab bench`: query-encoder latency per engine, its peers, corpus encoding. */
export {
  benchOnnxGraph,
  benchQueryEncoder,
  DEFAULT_QUERY_ENCODER_BENCH,
  QUERY_ENCODER_PATHS,
  randomBatch,
  type QueryEncoderBench,
  type QueryEncoderBenchOptions,
  type QueryEncoderPath,
} from './query-encoder.js';
export { benchTorchPeers, peerPython, type TorchPeers } from './query-encoder-peers.js';
export {
  benchCorpusEncoding,
  type CorpusEncodingBench,
  type CorpusEncodingBenchOptions,
} from './corpus-encoding.js';
export { benchSearch, BERT_BASE_SHAPE, type SearchBench } from './search.js';
export { benchTrainingParallel } from './training-parallel.js';
