/**
 * Cosine embedding loss: the mean over rows of 1 − cos(S_i, T_i).
 *
 *     cos_i = Σ_j S_ij T_ij / sqrt((Σ_j S_ij² + ε) · (Σ_j T_ij² + ε)),  ε = 1e-12
 *     loss = 1 / B · Σ_i (1 − cos_i)
 *
 * Equal to PyTorch `CosineEmbeddingLoss(margin=0)` with every target +1 (whose ε it copies).
 * - No temperature, no T². **÷B**.
 * - Scale-free: it aligns only directions, so a student may drift in norm. With dot-product
 *   retrieval the norm matters, which is one reason the paper prefers KL.
 * - The teacher is a constant: no gradient flows into it.
 *
 * Related: kale-kl.ts, mse.ts. Compared against KALE in Campos et al. 2023 (arXiv:2304.01016).
 *
 * Example:
 *
 *     const loss = cosineEmbeddingLoss(embed(student, batch), embed(teacher, batch));
 */
import * as tf from '@tensorflow/tfjs';
import { checkEmbeddingPair } from './check-pair.js';
import { stopGradient } from './stop-gradient.js';

/** ε inside the norms, PyTorch's `EPSILON` in `cosine_embedding_loss`. */
const EPSILON = 1e-12;

/** Mean over rows of 1 − cos(student_i, teacher_i). */
export function cosineEmbeddingLoss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  checkEmbeddingPair('cosineEmbeddingLoss', student, teacher);
  return tf.tidy(() => {
    const t = stopGradient(teacher);
    const dot = tf.sum(tf.mul(student, t), -1); // [B]
    const ss = tf.add(tf.sum(tf.square(student), -1), EPSILON); // [B]
    const tt = tf.add(tf.sum(tf.square(t), -1), EPSILON); // [B]
    const cos = tf.div(dot, tf.sqrt(tf.mul(ss, tt))); // [B]
    return tf.mean(tf.sub(1, cos)) as tf.Scalar;
  });
}
