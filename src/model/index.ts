/**
 * The BERT encoder as pure functions over named weights (Hugging Face names), checkpoint IO
 * (safetensors, config.json, vocab.txt) and structural layer pruning.
 */
export {
  BERT_BASE,
  configFromHf,
  configToHf,
  headSize,
  validateConfig,
  type BertConfig,
} from './config.js';
export {
  cloneEncoder,
  disposeEncoder,
  encoderFingerprint,
  expectedShapes,
  isLinearWeight,
  layerName,
  trainableVariables,
  POOLINGS,
  type Encoder,
  type Pooling,
} from './weights.js';
export { createEncoder, scaleResidualOutputs } from './init.js';
export { toTokenBatch, disposeTokenBatch, type TokenBatch } from './batch.js';
export { embeddings } from './embeddings.js';
export { attentionBias, selfAttention, MASKED_SCORE } from './attention.js';
export { transformerLayer } from './layer.js';
export { forward, embed, pool } from './encoder.js';
export {
  pruneLayers,
  layerMap,
  PAPER_LAYER_MAP,
  LAYER_STRATEGIES,
  type LayerStrategy,
} from './prune.js';
export {
  readSafetensors,
  parseSafetensors,
  decodeFloat32,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  type SafetensorsFile,
  type SafetensorsHeader,
  type TensorEntry,
  type TensorToWrite,
} from './safetensors.js';
export {
  loadEncoder,
  loadEncoderWeights,
  saveEncoder,
  type CheckpointReport,
  type LoadOptions,
} from './checkpoint.js';
export {
  embedTexts,
  embedTextsWith,
  type BatchEmbedder,
  type EmbedTextsOptions,
} from './embed-texts.js';
export { encoderFlops } from './flops.js';
