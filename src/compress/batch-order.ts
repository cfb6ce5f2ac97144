/**
 * Which queries go into which alignment step: a seeded shuffle per epoch and, for the
 * reference objective, one random second query per example.
 *
 * Both are pure functions of (seed, epoch) and (seed, step), with no generator state carried
 * from step to step, so a run resumed at step k draws exactly what an uninterrupted run draws.
 * It does not tokenise or touch tensors.
 */
import { Random, hashString } from '../util/index.js';

/** Batches per epoch for `count` queries (≥ 1: fewer queries than a batch make one batch). */
export function batchesPerEpoch(count: number, batchSize: number, dropLast: boolean): number {
  if (count < 1) throw new Error('alignment needs at least one query, got 0');
  return dropLast ? Math.max(1, Math.floor(count / batchSize)) : Math.ceil(count / batchSize);
}

/** The query order of `epoch` (a permutation of 0…count−1). */
export function epochOrder(seed: number, epoch: number, count: number): number[] {
  const rng = new Random((seed ^ hashString(`kale epoch ${epoch}`)) >>> 0);
  return rng.shuffle(Array.from({ length: count }, (_, i) => i));
}

/** The query indices of optimiser step `step` (0-based). */
export function stepIndices(
  seed: number,
  step: number,
  count: number,
  batchSize: number,
  dropLast: boolean,
): number[] {
  const perEpoch = batchesPerEpoch(count, batchSize, dropLast);
  const epoch = Math.floor(step / perEpoch);
  const within = step % perEpoch;
  return epochOrder(seed, epoch, count).slice(within * batchSize, (within + 1) * batchSize);
}

/**
 * One random second query per example of step `step`: uniform over all queries other than the
 * example itself (itself only when there is a single query).
 */
export function randomPartners(
  seed: number,
  step: number,
  own: readonly number[],
  count: number,
): number[] {
  const rng = new Random((seed ^ hashString(`kale random query ${step}`)) >>> 0);
  return own.map((i) => {
    if (count === 1) return i;
    const j = rng.int(count - 1);
    return j >= i ? j + 1 : j;
  });
}
