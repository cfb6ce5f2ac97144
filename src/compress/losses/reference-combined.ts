/**
 * The reference script's full objective: the alignment loss on the batch's own queries plus,
 * with a smaller weight, the same loss on a second, randomly drawn query per example.
 *
 *     loss = queryWeight · L(S_q, T_q) + randomQueryWeight · L(S_r, T_r)
 *
 * with L = kaleKlLoss at T = 10 and weights 0.6 / 0.2 by default: exactly `ca-prune.py`'s
 * defaults (spacemanidol/KALE; its "negative" inputs are the random second queries). Each L
 * carries its own ·T² and ÷B (see kale-kl.ts); the weights need not sum to 1 (they do not in
 * the reference: 0.6 + 0.2 = 0.8, which only rescales the learning rate).
 * Any other pair loss (mse, cosine, kl+mse) can be passed as `base` to weight it the same way.
 *
 * Teachers are constants: no gradient flows into them.
 *
 * Related: kale-kl.ts. Paper: Campos et al. 2023 (arXiv:2304.01016).
 *
 * Example:
 *
 *     const loss = kaleReferenceLoss(
 *       { student: embed(student, queries), teacher: embed(teacher, queries) },
 *       { student: embed(student, randomQueries), teacher: embed(teacher, randomQueries) },
 *     ); // 0.6·KALE + 0.2·KALE at T = 10
 */
import * as tf from '@tensorflow/tfjs';
import { checkNonNegative } from './check-pair.js';
import { DEFAULT_KALE_KL_OPTIONS, kaleKlLoss } from './kale-kl.js';

/** A student/teacher pair of embeddings of the same queries, both [B, H]. */
export interface EmbeddingPair {
  readonly student: tf.Tensor2D;
  readonly teacher: tf.Tensor2D;
}

/** A loss of a student/teacher pair, e.g. `(s, t) => mseLoss(s, t)`. */
export type PairLoss = (student: tf.Tensor2D, teacher: tf.Tensor2D) => tf.Scalar;

export interface ReferenceLossOptions {
  /** Weight of the loss on the batch's own queries. Default 0.6 (ca-prune.py). */
  readonly queryWeight?: number;
  /** Weight of the loss on the random second queries. Default 0.2 (ca-prune.py). */
  readonly randomQueryWeight?: number;
  /** Temperature of the default KALE KL base loss. Default 10. Ignored when `base` is given. */
  readonly temperature?: number;
  /** The pair loss to weight. Default: kaleKlLoss at `temperature`. */
  readonly base?: PairLoss;
}

export const DEFAULT_REFERENCE_LOSS_OPTIONS = Object.freeze({
  queryWeight: 0.6,
  randomQueryWeight: 0.2,
  temperature: DEFAULT_KALE_KL_OPTIONS.temperature,
});

/** queryWeight · L(own queries) + randomQueryWeight · L(random second queries). */
export function kaleReferenceLoss(
  query: EmbeddingPair,
  randomQuery: EmbeddingPair,
  options: ReferenceLossOptions = {},
): tf.Scalar {
  const queryWeight = options.queryWeight ?? DEFAULT_REFERENCE_LOSS_OPTIONS.queryWeight;
  const randomWeight =
    options.randomQueryWeight ?? DEFAULT_REFERENCE_LOSS_OPTIONS.randomQueryWeight;
  checkNonNegative('kaleReferenceLoss', 'queryWeight', queryWeight);
  checkNonNegative('kaleReferenceLoss', 'randomQueryWeight', randomWeight);
  const temperature = options.temperature ?? DEFAULT_REFERENCE_LOSS_OPTIONS.temperature;
  const base: PairLoss = options.base ?? ((s, t) => kaleKlLoss(s, t, { temperature }));
  return tf.tidy(
    () =>
      tf.add(
        tf.mul(base(query.student, query.teacher), queryWeight),
        tf.mul(base(randomQuery.student, randomQuery.teacher), randomWeight),
      ) as tf.Scalar,
  );
}
