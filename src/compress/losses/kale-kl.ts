/**
 * KALE's alignment loss: the KL divergence between the temperature-softened distributions of
 * the teacher's and the student's embeddings, taken over the EMBEDDING dimension.
 *
 * It computes, for student S and teacher T_e of shape [B, H] and temperature T:
 *
 *     p = softmax(T_e / T, axis = -1)                 // [B, H], teacher, a constant
 *     log q = log_softmax(S / T, axis = -1)            // [B, H], numerically stable
 *     loss = T² / B · Σ_ij p_ij · (log p_ij − log q_ij)
 *
 * i.e. PyTorch `KLDivLoss(reduction='sum')(log_softmax(s/T), softmax(t/T)) · T**2 / B`, exactly
 * the reference implementation (spacemanidol/KALE, `scripts/ca-prune.py --kldiv`).
 *
 * - **·T²**: yes. Like sentence-transformers' distillation losses and Hinton et al. (2015),
 *   the T² factor keeps the gradient's size independent of T: dloss/dS = T·(q − p)/B.
 *   (Tevatron's distillation does not multiply by T²; this loss does.)
 * - **÷B**: yes, by the number of rows B — not by B·H as `reduction='mean'` would.
 * - The teacher is a constant: no gradient flows into it. The gradient w.r.t. the student is
 *   the closed form T·(softmax(S/T) − softmax(T_e/T))/B; the value is computed in a
 *   cancellation-free form (see `rowKl`): on the oracle's tiny_cls case at T = 10 its error is
 *   < 6e-8 where the textbook form's is 3e-6 (cpu) to 8e-6 (wasm).
 *
 * Inputs: pooled embeddings (CLS by default) of the pruned query encoder (student) and of the
 * unpruned, frozen one (teacher), same queries in the same order.
 *
 * Related: mse.ts (Wang & Lyu 2023; sentence-transformers' layer reduction), cosine.ts,
 * kl-mse.ts, reference-combined.ts (the script's 0.6/0.2 objective).
 *
 * Paper: Campos, Magnani, Zhai, "Quick Dense Retrievers Consume KALE: Post Training Kullback
 * Leibler Alignment of Embeddings for Asymmetrical dual encoders", SustaiNLP 2023,
 * arXiv:2304.01016.
 *
 * Example:
 *
 *     const s = embed(student, batch);            // [B, H]
 *     const t = embed(teacher, batch);            // [B, H]
 *     const loss = kaleKlLoss(s, t);              // scalar, T = 10
 *     const lossT1 = kaleKlLoss(s, t, { temperature: 1 });
 */
import * as tf from '@tensorflow/tfjs';
import { checkEmbeddingPair, checkPositive } from './check-pair.js';

export interface KaleKlOptions {
  /** Softmax temperature T. Default 10: the reference runs' value. */
  readonly temperature?: number;
}

export const DEFAULT_KALE_KL_OPTIONS: Readonly<Required<KaleKlOptions>> = Object.freeze({
  temperature: 10,
});

/**
 * Rows whose scaled difference d = (t − s)/T stays within ±NEAR_LIMIT use the cancellation-free
 * form of KL (see `rowKl`); farther rows use the plain log-softmax form. At 1, the near form's
 * log1p argument is ≥ e⁻¹ − 1, far from −1, so neither form loses precision.
 */
const NEAR_LIMIT = 1;

/**
 * log(1 + x) to float32 precision for small x on every backend. The wasm backend's `log1p`
 * computes log(1 + x) literally, losing all digits of x below 6e-8 (relative error 1e-3 at
 * x = 1e-5, measured); Goldberg's trick log(u)·x/(u − 1), u = 1 + x, cancels the rounding of u.
 */
function accurateLog1p(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.add(x, 1);
    const um1 = tf.sub(u, 1);
    const isOne = tf.equal(um1, 0);
    const safe = tf.where(isOne, tf.onesLike(um1), um1);
    return tf.where(isOne, x, tf.div(tf.mul(tf.log(u), x), safe));
  });
}

/**
 * KL(p ‖ q) per row, p = softmax(t/T), q = softmax(s/T), in float32 without catastrophic
 * cancellation. The textbook Σ p (log p − log q) subtracts two O(log H) numbers to get an
 * O(|t − s|) one, and the T² factor then multiplies the rounding by 100: at T = 10 that is
 * ~1e-5 absolute on a 0.02 loss. With d = (t − s)/T the same quantity is
 *     KL = Σ_j p_j d_j − log Σ_j q_j e^{d_j} = Σ_j p_j d_j − log1p(Σ_j q_j expm1(d_j)),
 * whose rounding scales with |d| (measured on the oracle's tiny_cls case: < 6e-8 instead of 8e-6).
 * The near form is used per row while max|d| ≤ NEAR_LIMIT; d is clipped there so the unused
 * branch never overflows. Forward only: the gradient is analytic (see `kaleKl`).
 */
function rowKl(student: tf.Tensor2D, teacher: tf.Tensor2D, temperature: number): tf.Tensor1D {
  return tf.tidy(() => {
    const ts = tf.div(teacher, temperature); // [B, H]
    const ss = tf.div(student, temperature); // [B, H]
    const logP = tf.logSoftmax(ts); // [B, H], stable: subtracts the row max
    const logQ = tf.logSoftmax(ss); // [B, H]
    const p = tf.exp(logP); // [B, H]
    // Far form; where p underflows to 0, log p stays finite, so the term is 0 as in torch's
    // KLDivLoss (which defines 0·log 0 = 0).
    const far = tf.sum(tf.mul(p, tf.sub(logP, logQ)), -1); // [B]
    const d = tf.sub(ts, ss); // [B, H]
    const dNear = tf.clipByValue(d, -NEAR_LIMIT, NEAR_LIMIT); // [B, H]
    const q = tf.exp(logQ); // [B, H]
    const near = tf.sub(
      tf.sum(tf.mul(p, dNear), -1),
      accurateLog1p(tf.sum(tf.mul(q, tf.expm1(dNear)), -1)),
    ); // [B]
    const isNear = tf.lessEqual(tf.max(tf.abs(d), -1), NEAR_LIMIT); // [B] bool
    return tf.where(isNear, near, far) as tf.Tensor1D;
  });
}

/**
 * The loss with an analytic gradient, dloss/dS = T·(q − p)/B (the oracle's closed form),
 * and a zero gradient for the teacher, which is a constant of the loss.
 */
function kaleKl(student: tf.Tensor2D, teacher: tf.Tensor2D, temperature: number): tf.Scalar {
  const batch = student.shape[0];
  const scale = (temperature * temperature) / batch; // T² / B
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [s, t, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([s, t]);
    return {
      value: tf.mul(tf.sum(rowKl(s, t, temperature)), scale) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ss, tt] = saved as [tf.Tensor2D, tf.Tensor2D];
        const q = tf.softmax(tf.div(ss, temperature)); // [B, H]
        const p = tf.softmax(tf.div(tt, temperature)); // [B, H]
        const gradS = tf.mul(tf.sub(q, p), tf.mul(dy, temperature / batch)); // [B, H]
        return [gradS, tf.zerosLike(tt)];
      },
    };
  });
  return f(student, teacher) as tf.Scalar;
}

/** KALE's KL loss (scalar), `Σ p (log p − log q) · T² / B`; see the file header. */
export function kaleKlLoss(
  student: tf.Tensor2D,
  teacher: tf.Tensor2D,
  options: KaleKlOptions = {},
): tf.Scalar {
  const temperature = options.temperature ?? DEFAULT_KALE_KL_OPTIONS.temperature;
  checkEmbeddingPair('kaleKlLoss', student, teacher);
  checkPositive('kaleKlLoss', 'temperature', temperature);
  return kaleKl(student, teacher, temperature);
}
