/**
 * The whole encoder: embeddings → N transformer layers → last_hidden_state, and pooling
 * into one vector per text (CLS, the paper's choice, or masked mean).
 *
 * Pure functions of (encoder weights, batch): differentiable with respect to the weights,
 * intermediates freed by tf.tidy, the result owned by the caller. No pooler dense/tanh
 * (DPR, Tevatron and KALE use the raw CLS vector).
 */
import * as tf from '@tensorflow/tfjs';
import { attentionBias } from './attention.js';
import { batchShape, type TokenBatch } from './batch.js';
import { embeddings } from './embeddings.js';
import { transformerLayer } from './layer.js';
import { POOLINGS, type Encoder, type Pooling } from './weights.js';
import { isOneOf, unknownName } from '../util/names.js';

/** last_hidden_state: [B, L, H], padded positions included (HF semantics). */
export function forward(encoder: Encoder, batch: TokenBatch): tf.Tensor3D {
  batchShape(batch);
  return tf.tidy(() => {
    const bias = attentionBias(batch.attentionMask); // [B, 1, 1, L]
    let x = embeddings(encoder, batch); // [B, L, H]
    for (let l = 0; l < encoder.config.numHiddenLayers; l++) {
      x = transformerLayer(encoder, l, x, bias); // [B, L, H]
    }
    return x;
  });
}

/** One vector per row: [B, H]. Default pooling 'cls'. */
export function embed(encoder: Encoder, batch: TokenBatch, pooling: Pooling = 'cls'): tf.Tensor2D {
  checkPooling(pooling);
  return tf.tidy(() => pool(forward(encoder, batch), batch.attentionMask, pooling));
}

/**
 * hidden [B, L, H] → [B, H]. 'cls' takes position 0; 'mean' is Σ_t mask_t·h_t / max(Σ_t mask_t, 1e-9)
 * (sentence-transformers' mean pooling: padded positions excluded).
 */
export function pool(
  hidden: tf.Tensor3D,
  attentionMask: tf.Tensor2D,
  pooling: Pooling,
): tf.Tensor2D {
  checkPooling(pooling);
  const [B, L, H] = hidden.shape;
  return tf.tidy(() => {
    if (pooling === 'cls')
      return tf.reshape(tf.slice(hidden, [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
    const mask = tf.reshape(tf.cast(attentionMask, 'float32'), [B, L, 1]); // [B, L, 1]
    const summed = tf.sum(tf.mul(hidden, mask), 1); // [B, H]
    const counts = tf.maximum(tf.sum(mask, 1), 1e-9); // [B, 1]
    return tf.div(summed, counts) as tf.Tensor2D;
  });
}

function checkPooling(pooling: string): void {
  if (!isOneOf(POOLINGS, pooling)) throw unknownName('pooling', pooling, POOLINGS);
}
