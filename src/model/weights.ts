/**
 * The encoder's weights as a flat map of Hugging Face BERT names, and everything about
 * those names: the `Encoder` type, the expected name → shape table for a config, which
 * tensors are Linear weights (held transposed, [in, out], in memory), lookup with clear
 * errors, cloning, disposal and a content fingerprint.
 *
 * It does not compute anything (embeddings.ts … encoder.ts do) or touch files.
 */
import * as tf from '@tensorflow/tfjs';
import { ContentHash } from '../util/bytes.js';
import type { BertConfig } from './config.js';
import { nameList } from '../util/names.js';

export interface Encoder {
  readonly config: BertConfig;
  /** Hugging Face BERT names without a `bert.` prefix; Linear weights are [in, out]. */
  readonly weights: ReadonlyMap<string, tf.Variable>;
}

export const POOLINGS = nameList('cls', 'mean');
export type Pooling = (typeof POOLINGS)[number];

const EMBEDDING_NAMES = Object.freeze([
  'embeddings.word_embeddings.weight',
  'embeddings.position_embeddings.weight',
  'embeddings.token_type_embeddings.weight',
  'embeddings.LayerNorm.weight',
  'embeddings.LayerNorm.bias',
]);

/** Suffixes of one layer's tensors, after `encoder.layer.{i}.`. */
export const LAYER_SUFFIXES = Object.freeze([
  'attention.self.query.weight',
  'attention.self.query.bias',
  'attention.self.key.weight',
  'attention.self.key.bias',
  'attention.self.value.weight',
  'attention.self.value.bias',
  'attention.output.dense.weight',
  'attention.output.dense.bias',
  'attention.output.LayerNorm.weight',
  'attention.output.LayerNorm.bias',
  'intermediate.dense.weight',
  'intermediate.dense.bias',
  'output.dense.weight',
  'output.dense.bias',
  'output.LayerNorm.weight',
  'output.LayerNorm.bias',
]);

/** `encoder.layer.{i}.{suffix}` */
export function layerName(layer: number, suffix: string): string {
  return `encoder.layer.${layer}.${suffix}`;
}

const LAYER_RE = /^encoder\.layer\.(\d+)\.(.+)$/;

/** Splits a layer tensor name into its index and suffix; undefined for other names. */
export function parseLayerName(name: string): { layer: number; suffix: string } | undefined {
  const m = LAYER_RE.exec(name);
  return m ? { layer: Number(m[1]), suffix: m[2]! } : undefined;
}

/** True for the 2-D weights of Linear layers (stored [out, in] on disk, [in, out] in memory). */
export function isLinearWeight(name: string): boolean {
  return /\.(query|key|value|dense)\.weight$/.test(name);
}

/**
 * Every tensor a BERT of this config has, in a fixed order, with its shape as stored on
 * disk (PyTorch layout: Linear weights [out, in]).
 */
export function expectedShapes(config: BertConfig): Map<string, number[]> {
  const { vocabSize: V, hiddenSize: H, intermediateSize: I } = config;
  const shapes = new Map<string, number[]>();
  const emb: number[][] = [
    [V, H],
    [config.maxPositionEmbeddings, H],
    [config.typeVocabSize, H],
    [H],
    [H],
  ];
  EMBEDDING_NAMES.forEach((name, i) => shapes.set(name, emb[i]!));
  const layer: Record<string, number[]> = {
    'attention.self.query.weight': [H, H],
    'attention.self.key.weight': [H, H],
    'attention.self.value.weight': [H, H],
    'attention.output.dense.weight': [H, H],
    'intermediate.dense.weight': [I, H],
    'intermediate.dense.bias': [I],
    'output.dense.weight': [H, I],
  };
  for (let l = 0; l < config.numHiddenLayers; l++) {
    for (const suffix of LAYER_SUFFIXES) shapes.set(layerName(l, suffix), layer[suffix] ?? [H]);
  }
  return shapes;
}

/** Shape of `name` in memory: the disk shape, with Linear weights transposed to [in, out]. */
export function memoryShape(name: string, diskShape: readonly number[]): number[] {
  return isLinearWeight(name) ? [diskShape[1]!, diskShape[0]!] : [...diskShape];
}

/** The weight called `name`; throws naming it when the encoder lacks it. */
export function weight(encoder: Encoder, name: string): tf.Variable {
  const w = encoder.weights.get(name);
  if (w === undefined) throw new Error(`encoder has no weight "${name}"`);
  return w;
}

/** Typed views for the ops that want a rank: `w2` for matrices, `w1` for vectors. */
export function w2(encoder: Encoder, name: string): tf.Tensor2D {
  return weight(encoder, name) as tf.Tensor as tf.Tensor2D;
}
export function w1(encoder: Encoder, name: string): tf.Tensor1D {
  return weight(encoder, name) as tf.Tensor as tf.Tensor1D;
}

/**
 * A new encoder whose variables hold the same values. tfjs shares the underlying buffer
 * until either side is assigned (optimizers assign new buffers), so a clone is cheap and
 * training one never changes the other. `trainable` defaults to the source's flags.
 */
export function cloneEncoder(encoder: Encoder, options: { trainable?: boolean } = {}): Encoder {
  const weights = new Map<string, tf.Variable>();
  for (const [name, v] of encoder.weights) {
    weights.set(name, tf.variable(v, options.trainable ?? v.trainable));
  }
  return { config: encoder.config, weights };
}

/** Frees every variable of the encoder. */
export function disposeEncoder(encoder: Encoder): void {
  for (const v of encoder.weights.values()) v.dispose();
}

/** The variables an optimizer should update (those marked trainable), in name order. */
export function trainableVariables(encoder: Encoder): tf.Variable[] {
  return [...encoder.weights.entries()]
    .filter(([, v]) => v.trainable)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => v);
}

/**
 * A content hash (sha256, first 16 hex digits) of the config and every weight's name,
 * shape and float32 bytes. Equal fingerprints mean equal outputs. Reads weights synchronously.
 */
export function encoderFingerprint(encoder: Encoder): string {
  const hash = new ContentHash();
  hash.update(JSON.stringify(encoder.config, Object.keys(encoder.config).sort()));
  for (const name of [...encoder.weights.keys()].sort()) {
    const v = encoder.weights.get(name)!;
    hash.update(`\n${name}[${v.shape.join(',')}]`).update(v.dataSync() as Float32Array);
  }
  return hash.hex(16);
}
