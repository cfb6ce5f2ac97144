/**
 * BERT hyper-parameters: the `BertConfig` record, its mapping to and from a Hugging Face
 * `config.json`, and validation.
 *
 * It does not read or write files (checkpoint.ts does) and does not hold dropout: kalelab's
 * encoder is deterministic; a saved config carries BERT's default dropout (0.1) so PyTorch
 * training of a saved model behaves as a stock BERT would.
 */

export interface BertConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  readonly initializerRange: number;
}

/** bert-base-uncased's shape (110M parameters). */
export const BERT_BASE: BertConfig = Object.freeze({
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
});

/** Size of one attention head (hidden / heads). */
export function headSize(config: BertConfig): number {
  return config.hiddenSize / config.numAttentionHeads;
}

type IntField =
  | 'vocabSize'
  | 'hiddenSize'
  | 'numHiddenLayers'
  | 'numAttentionHeads'
  | 'intermediateSize'
  | 'maxPositionEmbeddings'
  | 'typeVocabSize';

/**
 * Bounds of the integer fields, checked before anything is allocated (a config.json with
 * num_hidden_layers 10^9 must fail here, not exhaust memory building 16·10^9 tensor names).
 * The maxima are far above any published BERT (bert-large: 24 layers, 1024 hidden, 4096
 * intermediate; the largest vocabularies ~250k tokens) and keep every tensor under 2^31
 * elements and the encoder's tensor count under ~16k.
 */
export const CONFIG_LIMITS: Readonly<Record<IntField, readonly [min: number, max: number]>> =
  Object.freeze({
    vocabSize: [1, 1 << 22],
    hiddenSize: [1, 1 << 15],
    numHiddenLayers: [0, 1024],
    numAttentionHeads: [1, 1 << 12],
    intermediateSize: [1, 1 << 17],
    maxPositionEmbeddings: [1, 1 << 17],
    typeVocabSize: [1, 1 << 10],
  });

/** Number of weights (floats) of a BERT of this config, counted from its shapes. */
export function parameterCount(config: BertConfig): number {
  const { vocabSize: V, hiddenSize: H, intermediateSize: I } = config;
  const embeddings = (V + config.maxPositionEmbeddings + config.typeVocabSize) * H + 2 * H;
  // Q, K, V, attention output (weights and biases), two LayerNorms, the feed-forward pair.
  const layer = 4 * (H * H + H) + 2 * 2 * H + (H * I + I) + (I * H + H);
  return embeddings + config.numHiddenLayers * layer;
}

/** Throws, naming the field and the bad value, unless `config` describes a buildable BERT. */
export function validateConfig(config: BertConfig, where = 'BertConfig'): BertConfig {
  for (const [field, [min, max]] of Object.entries(CONFIG_LIMITS) as Array<
    [IntField, readonly [number, number]]
  >) {
    const v = config[field];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new Error(`${where}: ${field} must be an integer in ${min}..${max}, got ${String(v)}`);
    }
  }
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new Error(
      `${where}: hiddenSize ${config.hiddenSize} is not divisible by numAttentionHeads ${config.numAttentionHeads}`,
    );
  }
  for (const field of ['layerNormEps', 'initializerRange'] as const) {
    const v = config[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new Error(`${where}: ${field} must be a positive number, got ${String(v)}`);
    }
  }
  return config;
}

/** HF config.json field → BertConfig field, with the HF default used when the field is absent. */
const HF_FIELDS: ReadonlyArray<[string, keyof BertConfig, number | undefined]> = [
  ['vocab_size', 'vocabSize', undefined],
  ['hidden_size', 'hiddenSize', undefined],
  ['num_hidden_layers', 'numHiddenLayers', undefined],
  ['num_attention_heads', 'numAttentionHeads', undefined],
  ['intermediate_size', 'intermediateSize', undefined],
  ['max_position_embeddings', 'maxPositionEmbeddings', 512],
  ['type_vocab_size', 'typeVocabSize', 2],
  ['layer_norm_eps', 'layerNormEps', 1e-12],
  ['initializer_range', 'initializerRange', 0.02],
];

/**
 * Reads a Hugging Face BERT `config.json` object. Refuses what this encoder would compute
 * differently: another `model_type`, an activation other than exact `gelu`, or relative
 * position embeddings. `file` names the source in errors.
 */
export function configFromHf(json: unknown, file = 'config.json'): BertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${file}: expected a JSON object`);
  }
  const obj = json as Record<string, unknown>;
  const modelType = obj['model_type'];
  if (modelType !== undefined && modelType !== 'bert') {
    throw new Error(`${file}: model_type is "${String(modelType)}"; only "bert" is supported`);
  }
  const act = obj['hidden_act'] ?? 'gelu';
  if (act !== 'gelu') {
    throw new Error(
      `${file}: hidden_act is "${String(act)}"; only "gelu" (exact erf GELU, as BERT) is supported`,
    );
  }
  const pos = obj['position_embedding_type'] ?? 'absolute';
  if (pos !== 'absolute') {
    throw new Error(
      `${file}: position_embedding_type is "${String(pos)}"; only "absolute" is supported`,
    );
  }
  const out: Record<string, number> = {};
  for (const [hf, field, fallback] of HF_FIELDS) {
    const v = obj[hf] ?? fallback;
    if (typeof v !== 'number') {
      throw new Error(
        `${file}: field "${hf}" must be a number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
      );
    }
    const limits = (CONFIG_LIMITS as Partial<Record<string, readonly [number, number]>>)[field];
    if (limits && (!Number.isInteger(v) || v < limits[0] || v > limits[1])) {
      throw new Error(
        `${file}: field "${hf}" must be an integer in ${limits[0]}..${limits[1]}, got ${String(v)}`,
      );
    }
    out[field] = v;
  }
  return validateConfig(out as unknown as BertConfig, file);
}

/** A Hugging Face `config.json` object for `config` (loads as `BertModel` in transformers). */
export function configToHf(config: BertConfig): Record<string, unknown> {
  validateConfig(config);
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.numHiddenLayers,
    num_attention_heads: config.numAttentionHeads,
    intermediate_size: config.intermediateSize,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: config.maxPositionEmbeddings,
    type_vocab_size: config.typeVocabSize,
    initializer_range: config.initializerRange,
    layer_norm_eps: config.layerNormEps,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
  };
}
