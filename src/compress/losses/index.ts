/** Alignment losses, one per file, pure functions of [B, H] embeddings. */
export { kaleKlLoss, DEFAULT_KALE_KL_OPTIONS, type KaleKlOptions } from './kale-kl.js';
export { mseLoss } from './mse.js';
export { cosineEmbeddingLoss } from './cosine.js';
export { klMseLoss, DEFAULT_KL_MSE_OPTIONS, type KlMseOptions } from './kl-mse.js';
export {
  kaleReferenceLoss,
  DEFAULT_REFERENCE_LOSS_OPTIONS,
  type EmbeddingPair,
  type PairLoss,
  type ReferenceLossOptions,
} from './reference-combined.js';
export {
  alignmentLoss,
  ALIGNMENT_LOSS_NAMES,
  type AlignmentLossName,
  type AlignmentLossParams,
} from './registry.js';
export { stopGradient } from './stop-gradient.js';
