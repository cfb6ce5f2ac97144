/** Contrastive training of dual encoders: losses, optimiser, schedule, batching, loop, presets. */
export {
  contrastiveLoss,
  multipleNegativesRankingLoss,
  shardContrastiveLoss,
  type ShardedEmbeddings,
  type ContrastiveLossOptions,
  type MnrlOptions,
  type Similarity,
} from './contrastive-loss.js';
export {
  AdamW,
  GradientAccumulator,
  clipByGlobalNorm,
  clipCoefficient,
  globalNorm,
  hfNoDecay,
  type AdamWOptions,
  type AdamWState,
  type NamedVariable,
} from './optimizer.js';
export { OPTIMIZER_FILE, readOptimizerFile, writeOptimizerFile } from './optimizer-file.js';
export {
  learningRateAt,
  linearWarmupDecayFactor,
  warmupStepsFromRatio,
  type LinearSchedule,
} from './schedule.js';
export {
  BatchSampler,
  DEFAULT_BATCH_OPTIONS,
  mineBm25Negatives,
  passageText, // data/passage-text.ts's, until experiment/workspace.ts imports it from data
  type BatchOptions,
  type BatchPosition,
  type MineOptions,
  type NegativeSource,
  type TextSearcher,
  type TrainingBatch,
  type TrainingExample,
} from './batches.js';
export {
  assignDualEncoder,
  createDualEncoder,
  disposeDualEncoder,
  dualEncoderFromEncoder,
  dualParameters,
  loadDualEncoder,
  saveDualEncoder,
  shareEmbeddings,
  type CreateDualOptions,
  type DualEncoder,
  type FromEncoderOptions,
} from './dual-encoder.js';
export {
  contrastiveGradients,
  contrastiveStep,
  shardGradients,
  type StepOptions,
  type StepResult,
} from './step.js';
export { stepCost, timeTrainingSteps, type StepShape, type StepTiming } from './step-timing.js';
export {
  DEFAULT_TRAIN_OPTIONS,
  resolveTrainOptions,
  type ResolvedTrainOptions,
  type TrainOptions,
} from './options.js';
export { optionChecks, checkPositive, type OptionChecks } from './option-checks.js';
// The checkpoint functions are the trainer's (its checkpointDir option); the folder name and
// the loss-history record are what callers see.
export { CHECKPOINT_SUBDIR, type StepRecord } from './checkpoint.js';
export {
  DEFAULT_EXCHANGE_TIMEOUT_MS,
  TRAIN_WORKERS_ENV,
  dataParallelEngine,
  shardRanges,
  trainWorkers,
  type DataParallelEngine,
  type ShardInput,
} from './data-parallel.js';
export { localEngine, type EngineStep, type StepEngine } from './engine.js';
export { plannedSteps, trainDualEncoder, type TrainHooks, type TrainResult } from './trainer.js';
export {
  TRAIN_PRESETS,
  TRAIN_PRESET_NAMES,
  MODEL_SHAPES,
  TRAIN_SCHEDULES,
  widthScaledInit,
  type ModelShapeName,
  type TrainScheduleName,
  createPresetDualEncoder,
  zeroPositionEmbeddings,
  presetConfig,
  presetVocab,
  trainPreset,
  trainingTexts,
  type TrainPreset,
  type TrainPresetName,
} from './presets.js';
export {
  loadWordVectors,
  winkInstalled,
  wordEmbeddingRows,
  applyWordEmbeddings,
  WINK_PACKAGE,
  type WordVectors,
  type WordEmbeddingInit,
} from './word-vectors.js';
export { checkWordVectorsHead } from './word-vectors-head.js';
