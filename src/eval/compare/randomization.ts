/**
 * Paired randomization (permutation) test, two-sided: under the null hypothesis each
 * query's difference b − a is as likely to have the other sign, so the observed |mean
 * difference| is compared with that of random sign flips. Monte Carlo with a seeded
 * generator (util/random.ts): the same seed, scores and permutation count give the same p.
 *
 * p = (1 + #{flips with |mean| ≥ |observed|}) / (1 + permutations) (Phipson & Smyth 2010:
 * never 0, valid at any permutation count); a 1e-12 relative slack absorbs float rounding
 * in "≥", as the oracle's exact enumeration does. Its standard error is about
 * √(p(1−p)/permutations).
 */
import { Random } from '../../util/random.js';
import { checkPaired, differences, mean, type Scores } from './paired-values.js';

export interface RandomizationOptions {
  /** Random sign flips drawn (default 10,000). */
  readonly permutations?: number;
  /** Seed of the generator (default 0). */
  readonly seed?: number;
}

export const DEFAULT_RANDOMIZATION: Required<RandomizationOptions> = Object.freeze({
  permutations: 10_000,
  seed: 0,
});

export interface RandomizationResult {
  readonly pValue: number;
  readonly delta: number;
  readonly permutations: number;
}

export function randomizationTest(
  a: Scores,
  b: Scores,
  options: RandomizationOptions = {},
): RandomizationResult {
  checkPaired('randomizationTest', a, b);
  const permutations = options.permutations ?? DEFAULT_RANDOMIZATION.permutations;
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new Error(
      `randomizationTest: permutations must be a positive integer, got ${permutations}`,
    );
  }
  const random = new Random(options.seed ?? DEFAULT_RANDOMIZATION.seed);
  const d = differences(a, b);
  const n = d.length;
  const delta = mean(d);
  let total = 0;
  for (let i = 0; i < n; i++) total += d[i]!;
  const threshold = Math.abs(total) * (1 - 1e-12);
  let extreme = 0;
  for (let p = 0; p < permutations; p++) {
    // One 32-bit draw gives 32 signs; s = Σ ± d without a branch per query.
    let s = 0;
    for (let i = 0; i < n; i += 32) {
      const bits = (random.next() * 4294967296) >>> 0;
      const end = Math.min(32, n - i);
      for (let j = 0; j < end; j++) s += d[i + j]! * (((bits >>> j) & 1) * 2 - 1);
    }
    if (Math.abs(s) >= threshold) extreme++;
  }
  return { pValue: (extreme + 1) / (permutations + 1), delta, permutations };
}
