/** Evaluation: trec_eval-compatible metrics, DPR answer accuracy, latency measurement. */
export { compareBytes, trecEvalOrder } from './ranking.js';
export { judgeRanking, RELEVANT_GRADE, type JudgedRanking } from './judged.js';
export {
  precisionAt,
  recallAt,
  averagePrecision,
  reciprocalRank,
  reciprocalRankAt,
  successAt,
  ndcgAt,
} from './measures.js';
export {
  parseMetric,
  parseMetrics,
  ALLOWED_METRICS,
  type MetricSpec,
  type CutoffFamily,
  type PlainMetric,
} from './metric-names.js';
export { evaluateRun, type EvaluateOptions, type Evaluation } from './metrics.js';
export {
  answerAccuracy,
  hasAnswer,
  dprTokens,
  squadTokens,
  DEFAULT_ANSWER_OPTIONS,
  type AnswerAccuracy,
  type AnswerAccuracyOptions,
  type AnswerMatchMode,
} from './answers.js';
export {
  measureLatency,
  summarizeLatency,
  quantile,
  DEFAULT_LATENCY_OPTIONS,
  type LatencyOptions,
  type LatencyStats,
} from './latency.js';
export {
  readTrecQrels,
  readRun,
  writeRun,
  formatRun,
  writeQrels,
  formatQrels,
  TrecFormatError,
  type WriteRunOptions,
} from './trec.js';
export {
  evaluateDense,
  evaluateDenseOn,
  type QueryEngine,
  evaluateBm25,
  scoreRun,
  datasetMetrics,
  evaluationSplit,
  judgedQueries,
  STANDARD_METRICS,
  DEFAULT_DEPTH,
  type DenseEvalOptions,
  type DenseEngineEvalOptions,
  type Bm25EvalOptions,
  type DatasetEvaluation,
} from './evaluate-dataset.js';
export {
  queryEncoderLatency,
  type QueryLatency,
  type QueryLatencyOptions,
} from './query-latency.js';
export * from './compare/index.js';
