/**
 * BERT's initialisation, seeded, for training from scratch: every embedding table and Linear
 * weight ~ N(0, initializerRange), biases 0, LayerNorm γ = 1 and β = 0, and the [PAD] row
 * (id 0) of the word embeddings zeroed, as Hugging Face's `BertPreTrainedModel._init_weights`.
 *
 * Each tensor draws from its own stream, seeded by (seed, tensor name), so the same seed
 * gives the same layer 0 in a 2-layer and a 12-layer model, and the values do not depend on
 * the order tensors are created in. It does not load pretrained weights (checkpoint.ts does).
 */
import * as tf from '@tensorflow/tfjs';
import { Random, hashString } from '../util/index.js';
import { validateConfig, type BertConfig } from './config.js';
import { expectedShapes, memoryShape, type Encoder } from './weights.js';

/** A freshly initialised encoder; every variable is trainable. */
export function createEncoder(config: BertConfig, seed: number): Encoder {
  validateConfig(config);
  if (!Number.isInteger(seed))
    throw new Error(`createEncoder: seed must be an integer, got ${seed}`);
  const weights = new Map<string, tf.Variable>();
  for (const [name, diskShape] of expectedShapes(config)) {
    const shape = memoryShape(name, diskShape);
    const values = initialValues(name, shape, config, seed);
    const initial = tf.tensor(values, shape, 'float32');
    weights.set(name, tf.variable(initial, true));
    initial.dispose(); // the variable keeps its own reference to the buffer
  }
  return { config, weights };
}

function initialValues(
  name: string,
  shape: readonly number[],
  config: BertConfig,
  seed: number,
): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (name.endsWith('LayerNorm.weight')) return out.fill(1);
  if (name.endsWith('.bias')) return out; // LayerNorm β and Linear biases: 0
  const rng = new Random((seed ^ hashString(name)) >>> 0);
  const std = config.initializerRange;
  for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
  // nn.Embedding(padding_idx=0): HF zeroes the [PAD] row after the normal draw.
  if (name === 'embeddings.word_embeddings.weight') out.fill(0, 0, config.hiddenSize);
  return out;
}
