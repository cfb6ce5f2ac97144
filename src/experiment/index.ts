/** The experiment grid behind `kalelab walkthrough` / `kalelab experiment`. */
export { runGrid, type GridContext, type GridHooks } from './grid.js';
export {
  GRID_PRESETS,
  GRID_PRESET_NAMES,
  gridOptions,
  type GridOptions,
  type GridPresetName,
} from './options.js';
export {
  runExperiment,
  walkthroughDatasets,
  type ExperimentOptions,
  type ExperimentResult,
} from './walkthrough.js';
export {
  readResults,
  writeResults,
  resultsToCsv,
  mergeRow,
  rowKey,
  machineInfo,
} from './results-io.js';
export { flatRows, formatResultsTable, reportSections } from './summary.js';
export { workspace, passageIndex, type Workspace } from './workspace.js';
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
