/**
 * Multi-head self-attention of one BERT layer, up to and including the output projection
 * (`attention.self.*` and `attention.output.dense`); the residual and LayerNorm are in
 * layer.ts.
 *
 * Heads are contiguous slices of the hidden axis (head h = features h·d … h·d+d−1), scores
 * are q·kᵀ/√d plus an additive mask bias that is large and negative on padded KEYS, so a
 * padded query row still attends to the real tokens (PyTorch / Hugging Face semantics).
 */
import * as tf from '@tensorflow/tfjs';
import { linear, matMul } from '../backend/index.js';
import { headSize } from './config.js';
import { layerName, w1, w2, type Encoder } from './weights.js';

/**
 * Added to the scores of padded keys. Finite, so a row of all-padded keys gives a uniform
 * softmax instead of NaN; −1e9 swamps any real score (PyTorch's −inf gives identical
 * outputs: the oracle measured ≤ 3e-15 difference).
 */
export const MASKED_SCORE = -1e9;

/** [B, 1, 1, L]: 0 where attention_mask = 1, MASKED_SCORE where it is 0. */
export function attentionBias(attentionMask: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [B, L] = attentionMask.shape;
    const mask = tf.cast(attentionMask, 'float32'); // [B, L]
    return tf.reshape(tf.mul(tf.sub(1, mask), MASKED_SCORE), [B, 1, 1, L]) as tf.Tensor4D;
  });
}

/** Self-attention output (before the residual): x [B, L, H] → [B, L, H]. */
export function selfAttention(
  encoder: Encoder,
  layer: number,
  x: tf.Tensor3D,
  bias: tf.Tensor4D,
): tf.Tensor3D {
  const { hiddenSize: H, numAttentionHeads: A } = encoder.config;
  const d = headSize(encoder.config);
  const [B, L] = x.shape;
  const name = (suffix: string): string => layerName(layer, suffix);
  const project = (which: string): tf.Tensor =>
    linear(
      x,
      w2(encoder, name(`attention.self.${which}.weight`)),
      w1(encoder, name(`attention.self.${which}.bias`)),
    ); // [B, L, H]
  return tf.tidy(() => {
    // Scaling q (not the scores) costs B·L·H multiplies instead of B·A·L·L.
    const q = tf.transpose(
      tf.reshape(tf.mul(project('query'), 1 / Math.sqrt(d)), [B, L, A, d]),
      [0, 2, 1, 3],
    ); // [B, A, L, d]
    // kᵀ straight from the head split: one transpose instead of two (no transposeB needed).
    const kT = tf.transpose(tf.reshape(project('key'), [B, L, A, d]), [0, 2, 3, 1]); // [B, A, d, L]
    const v = tf.transpose(tf.reshape(project('value'), [B, L, A, d]), [0, 2, 1, 3]); // [B, A, L, d]
    const scores = tf.add(matMul(q, kT), bias); // [B, A, L, L]
    const probs = tf.softmax(scores); // [B, A, L, L], over keys
    const context = matMul(probs, v); // [B, A, L, d]
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [B, L, H]); // [B, L, H]
    return linear(
      merged,
      w2(encoder, name('attention.output.dense.weight')),
      w1(encoder, name('attention.output.dense.bias')),
    ) as tf.Tensor3D; // [B, L, H]
  });
}
