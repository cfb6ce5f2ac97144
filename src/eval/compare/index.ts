/** Comparing retrieval runs: significance tests, confidence intervals, corrections, fusion, run files. */
export {
  compareRuns,
  runComparison,
  compareScores,
  comparisonTable,
  coverageNotes,
  type Comparison,
  type ComparisonRow,
} from './compare-runs.js';
export { compareAllPairs, comparePairs, type AllPairsOptions, type PairRow } from './all-pairs.js';
export {
  DEFAULT_COMPARE,
  TESTS,
  parseTest,
  type CompareOptions,
  type TestName,
} from './options.js';
export {
  perQueryScores,
  perQueryDeltas,
  type PerQueryScores,
  type RunCoverage,
} from './per-query.js';
export { compareScorePair, compareRunPair, type ScorePairComparison } from './score-pair.js';
export { pairedTTest, type PairedTResult } from './paired-t.js';
export { wilcoxonTest, type WilcoxonResult } from './wilcoxon.js';
export {
  randomizationTest,
  DEFAULT_RANDOMIZATION,
  type RandomizationOptions,
  type RandomizationResult,
} from './randomization.js';
export { bootstrapCi, DEFAULT_BOOTSTRAP, type BootstrapOptions } from './bootstrap.js';
export { bonferroni } from './bonferroni.js';
export { holm } from './holm.js';
export { benjaminiHochberg } from './benjamini-hochberg.js';
export { adjustPValues, parseCorrection, CORRECTIONS, type CorrectionName } from './correction.js';
export { tukeyHsd, type TukeyPair } from './tukey-hsd.js';
export { studentizedRangeSf, normalRangeSf } from './studentized-range.js';
export { reciprocalRankFusion, type RrfOptions } from './reciprocal-rank-fusion.js';
export { combSum, combMnz, type CombOptions } from './comb-fusion.js';
export { normalizeRun, NORMALIZATIONS, type Normalization } from './normalize.js';
export { readRunFile, writeRunFile, parseJsonRun } from './run-files.js';
export { formatComparisonText, formatComparisonMarkdown, formatComparisonLatex } from './format.js';
export {
  packRun,
  evaluatePacked,
  type Packed,
  type PackedRun,
  type PackedQrels,
  type PackedEvaluation,
} from './packed-eval.js';
