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
