/**
 * Mean squared error between student and teacher embeddings, averaged over all B·H elements
 * (PyTorch `nn.MSELoss()` with its default `reduction='mean'`).
 *
 *     loss = 1 / (B·H) · Σ_ij (S_ij − T_ij)²
 *
 * - No temperature, no T². **÷(B·H)**, not ÷B: so its size does not grow with H.
 * - The teacher is a constant: no gradient flows into it.
 *
 * The alignment used by sentence-transformers' "model distillation / layer reduction" example
 * and by Wang & Lyu (2023) for shallow query encoders; KALE's paper compares against it.
 * Unlike kale-kl.ts it pins the embedding's scale as well as its direction.
 *
 * Related: kale-kl.ts, cosine.ts, kl-mse.ts.
 *
 * Example:
 *
 *     const loss = mseLoss(embed(student, batch), embed(teacher, batch)); // scalar
 */
import * as tf from '@tensorflow/tfjs';
import { checkEmbeddingPair } from './check-pair.js';
import { stopGradient } from './stop-gradient.js';

/** Mean over B·H of (student − teacher)². */
export function mseLoss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  checkEmbeddingPair('mseLoss', student, teacher);
  return tf.tidy(() => tf.mean(tf.squaredDifference(student, stopGradient(teacher))) as tf.Scalar);
}
