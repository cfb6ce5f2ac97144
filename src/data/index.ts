/**
 * Datasets: the shared shapes (types.ts), the embedded WordNet tasks, the BEIR / DPR /
 * MS MARCO loaders, the `KIND:PATH` spec, summaries and fingerprints.
 */
export * from './types.js';
export { DatasetFormatError } from './errors.js';
export {
  DEFAULT_LOAD_OPTIONS,
  resolveLoadOptions,
  type LoadOptions,
  type ResolvedLoadOptions,
} from './options.js';
export { LoadReportBuilder } from './report.js';
export { readLineBatches, type LineBatch, type ReadLinesOptions } from './lines.js';
export { streamJsonArray, type JsonArrayElement } from './json-array.js';
export { readDatasetQrels, type QrelsFormat, type QrelsContext } from './qrels.js';
export { loadBeir, BEIR_MAIN_METRIC } from './beir.js';
export { loadDpr, dprSplitOfFile, DPR_MAIN_METRIC } from './dpr.js';
export {
  loadMsmarco,
  forEachMsmarcoPassage,
  MSMARCO_MAIN_METRIC,
  type PassageStreamOptions,
} from './msmarco.js';
export type { TsvStats } from './tsv.js';
export {
  loadDataset,
  parseDatasetSpec,
  parseWordNetPath,
  DATASET_KINDS,
  type DatasetKind,
  type DatasetSpec,
  type LoadDatasetOptions,
} from './spec.js';
export {
  summarizeDataset,
  summaryRows,
  summaryTable,
  type DatasetSummary,
  type SplitSummary,
  type SummaryOptions,
  type SummaryRow,
} from './summary.js';
export { countWords, lengthStats, type LengthStats } from './text-stats.js';
export { passageText } from './passage-text.js';
export { datasetFingerprint } from './fingerprint.js';
export { buildWordNetDataset, siblingSenses, WORDNET_MAIN_METRIC } from './wordnet/build.js';
export {
  loadWordNetLexicon,
  wordnetDictDir,
  parseDataLine,
  WORDNET_POS,
  type Lexicon,
  type Synset,
  type WordNetPos,
} from './wordnet/lexicon.js';
export { parseGloss, type Gloss } from './wordnet/gloss.js';
export {
  DEFAULT_WORDNET_OPTIONS,
  WORDNET_PRESETS,
  WORDNET_TASKS,
  resolveWordNetOptions,
  type ResolvedWordNetOptions,
  type SplitFractions,
  type WordNetOptions,
  type WordNetPreset,
  type WordNetTask,
} from './wordnet/options.js';
