/**
 * Percentile bootstrap confidence interval of the mean per-query difference b − a: queries
 * are resampled with replacement (paired, so a query keeps both its scores), seeded.
 * Distribution-free, unlike the t interval of paired-t.ts; used with the Wilcoxon and
 * randomization tests.
 */
import { Random } from '../../util/random.js';
import { checkPaired, differences, type Scores } from './paired-values.js';

export interface BootstrapOptions {
  /** Resamples drawn (default 2,000: the 2.5% and 97.5% quantiles then rest on 50 each). */
  readonly samples?: number;
  /** Confidence level (default 0.95). */
  readonly level?: number;
  /** Seed (default 0). */
  readonly seed?: number;
}

export const DEFAULT_BOOTSTRAP: Required<BootstrapOptions> = Object.freeze({
  samples: 2_000,
  level: 0.95,
  seed: 0,
});

/** Linear-interpolation quantile of sorted values (numpy's default). */
function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** [low, high] of the bootstrap distribution of mean(b − a). */
export function bootstrapCi(
  a: Scores,
  b: Scores,
  options: BootstrapOptions = {},
): [number, number] {
  checkPaired('bootstrapCi', a, b);
  const samples = options.samples ?? DEFAULT_BOOTSTRAP.samples;
  const level = options.level ?? DEFAULT_BOOTSTRAP.level;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new Error(`bootstrapCi: samples must be a positive integer, got ${samples}`);
  }
  if (!(level > 0 && level < 1))
    throw new Error(`bootstrapCi: level must be in (0, 1), got ${level}`);
  const random = new Random(options.seed ?? DEFAULT_BOOTSTRAP.seed);
  const d = differences(a, b);
  const n = d.length;
  const means = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[Math.floor(random.next() * n)]!;
    means[s] = sum / n;
  }
  means.sort();
  return [quantileSorted(means, (1 - level) / 2), quantileSorted(means, (1 + level) / 2)];
}
