/**
 * KL + MSE: KALE's KL loss plus the MSE loss, weighted.
 *
 *     loss = klWeight · kaleKlLoss(S, T, {temperature}) + mseWeight · mseLoss(S, T)
 *
 * - The KL part carries ·T² and ÷B (see kale-kl.ts); the MSE part is a mean over B·H
 *   (see mse.ts). Both weights default to 1: the plain sum, the "KL + MSE" row of the grid.
 * - Why combine: KL over the embedding dimension is invariant to adding a constant to a row,
 *   so it fixes the shape of the embedding but not its offset; MSE pins both.
 * - The teacher is a constant: no gradient flows into it.
 *
 * Related: kale-kl.ts, mse.ts. Paper: Campos et al. 2023 (arXiv:2304.01016), which compares
 * the separate losses.
 *
 * Example:
 *
 *     const loss = klMseLoss(s, t, { temperature: 10, mseWeight: 1 });
 */
import * as tf from '@tensorflow/tfjs';
import { checkNonNegative } from './check-pair.js';
import { DEFAULT_KALE_KL_OPTIONS, kaleKlLoss, type KaleKlOptions } from './kale-kl.js';
import { mseLoss } from './mse.js';

export interface KlMseOptions extends KaleKlOptions {
  /** Weight of the KL term. Default 1. */
  readonly klWeight?: number;
  /** Weight of the MSE term. Default 1. */
  readonly mseWeight?: number;
}

export const DEFAULT_KL_MSE_OPTIONS: Readonly<Required<KlMseOptions>> = Object.freeze({
  temperature: DEFAULT_KALE_KL_OPTIONS.temperature,
  klWeight: 1,
  mseWeight: 1,
});

/** klWeight · KALE KL + mseWeight · MSE. */
export function klMseLoss(
  student: tf.Tensor2D,
  teacher: tf.Tensor2D,
  options: KlMseOptions = {},
): tf.Scalar {
  const o = { ...DEFAULT_KL_MSE_OPTIONS, ...options };
  checkNonNegative('klMseLoss', 'klWeight', o.klWeight);
  checkNonNegative('klMseLoss', 'mseWeight', o.mseWeight);
  return tf.tidy(
    () =>
      tf.add(
        tf.mul(kaleKlLoss(student, teacher, { temperature: o.temperature }), o.klWeight),
        tf.mul(mseLoss(student, teacher), o.mseWeight),
      ) as tf.Scalar,
  );
}
