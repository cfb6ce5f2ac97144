/** The experiment grid behind `kalelab walkthrough` / `kalelab experiment`. */
export { runGrid, type GridRunHooks } from './grid.js';
export {
  openGridWorkspace,
  pendingRows,
  neededModels,
  type GridContext,
  type GridHooks,
  type GridWorkspace,
} from './grid-workspace.js';
export type { UntrainedModel } from './model-loader.js';
export {
  runRow,
  queryEncoder,
  rowFigures,
  recoveryOrNull,
  type EvaluationRecord,
  type MadeEncoder,
} from './run-row.js';
export { notebookGrid, type NotebookGrid } from './notebook.js';
export {
  artifactRef,
  contentKey,
  datasetRoot,
  isSealed,
  seal,
  type ArtifactKind,
  type ArtifactRef,
} from './cache.js';
export {
  gridKeys,
  encodeSettings,
  trainContent,
  kaleContent,
  sourceName,
  ARTIFACT_FORMAT,
  type EncodeSettings,
  type GridKeys,
  type KeySettings,
} from './keys.js';
export { latencyMeter, type Latency } from './latency.js';
export {
  GRID_PRESETS,
  GRID_PRESET_NAMES,
  gridOptions,
  gridThreads,
  type GridOptions,
  type GridPresetName,
} from './options.js';
export {
  runExperiment,
  WALKTHROUGH_PRESETS,
  WALKTHROUGH_SIZE_NAMES,
  estimateExperiment,
  walkthroughRun,
  defaultWalkthroughSize,
  DEFAULT_WALKTHROUGH_SECONDS,
  type SizeChoice,
  type WalkthroughPreset,
  type WalkthroughRun,
  type WalkthroughSize,
  type ExperimentOptions,
  type ExperimentResult,
} from './walkthrough.js';
export {
  preflightExperiment,
  checkOutputFolder,
  checkInitCheckpoint,
  checkGridDepths,
  checkWordVectors,
  type PreflightOptions,
} from './preflight.js';
export {
  readResults,
  writeResults,
  resultsToCsv,
  mergeRow,
  rowKey,
  machineInfo,
} from './results-io.js';
export { flatRows, formatResultsTable, reportSections } from './summary.js';
export { savedGridRuns, readRunFolder, halfDepthEffects, type RunFolder } from './saved-runs.js';
export {
  compareRowRuns,
  compareRowScores,
  perQueryMainScores,
  isSignificant,
  ROW_COMPARISON,
  SIGNIFICANCE_ALPHA,
  type ComparedRun,
} from './row-comparison.js';
export {
  describeEffects,
  gridEffects,
  rowLabel,
  planRowId,
  formatP,
  formatPValue,
  type Effect,
} from './significance.js';
export { passageIndex } from './passage-index.js';
export {
  ensureDual,
  ensureAligned,
  indexChecksum,
  type ComputeRecord,
  type TrainedDual,
} from './models.js';
export {
  planGrid,
  asymName,
  ALIGN_METHOD,
  type GridPlan,
  type PlannedModel,
  type PlannedRow,
  type QuerySource,
  type DatasetInfo,
} from './plan.js';
export {
  TOKENS_PER_WORD,
  estimateSeconds,
  measureSecondsPerFlop,
  measureEncodeSecondsPerFlop,
  measureSearchSecondsPerFlop,
  plannedWork,
  tokensFromWords,
  type TimeEstimate,
  type WorkItem,
  type WorkKind,
  type WorkloadSize,
} from './estimate.js';
export { backgroundModels } from './scheduler.js';
