/**
 * Compression of the query encoder: layer pruning, KALE alignment to the unpruned encoder,
 * its losses, and the recovery measure. Re-exported by name.
 */
export {
  kaleKlLoss,
  mseLoss,
  cosineEmbeddingLoss,
  klMseLoss,
  kaleReferenceLoss,
  alignmentLoss,
  stopGradient,
  ALIGNMENT_LOSS_NAMES,
  DEFAULT_KALE_KL_OPTIONS,
  DEFAULT_KL_MSE_OPTIONS,
  DEFAULT_REFERENCE_LOSS_OPTIONS,
  type AlignmentLossName,
  type AlignmentLossParams,
  type EmbeddingPair,
  type KaleKlOptions,
  type KlMseOptions,
  type PairLoss,
  type ReferenceLossOptions,
} from './losses/index.js';
export {
  alignQueryEncoder,
  type AlignHooks,
  type AlignResult,
  type AlignStepInfo,
} from './align.js';
export {
  DEFAULT_KALE_OPTIONS,
  KALE_OBJECTIVES,
  TEACHER_TARGETS,
  resolveKaleOptions,
  type KaleObjective,
  type KaleOptions,
  type ResolvedKaleOptions,
  type TeacherTargets,
} from './options.js';
export {
  FrozenStateError,
  assertSeparateEncoders,
  freezeCheck,
  type FrozenCheck,
} from './guard.js';
export { checkpointPath as alignCheckpointPath } from './checkpoint.js';
export { type QueryTokenizer } from './teacher-targets.js';
export { pruneQueryEncoder, type PrunedEncoder } from './prune-strategies.js';
export { recovery } from './recovery.js';
