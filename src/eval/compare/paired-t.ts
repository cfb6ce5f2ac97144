/**
 * Paired t-test on per-query differences b − a, two-sided, with the t-based 95% confidence
 * interval of the mean difference (scipy.stats.ttest_rel(b, a)). Distributions from
 * @stdlib (ports of Boost/Cephes, accurate to ~1e-15 relative, also in the far tail).
 *
 * When every difference is the same the standard error is 0: all zero gives p = 1 (no
 * evidence of any difference; scipy returns NaN), all equal and non-zero gives p = 0.
 */
import tcdf from '@stdlib/stats-base-dists-t-cdf';
import tquantile from '@stdlib/stats-base-dists-t-quantile';
import { checkPaired, differences, mean, type Scores } from './paired-values.js';

export interface PairedTResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly df: number;
  /** Mean of b − a. */
  readonly delta: number;
  /** 95% (or `level`) confidence interval of the mean difference. */
  readonly ci: readonly [number, number];
}

/** Paired t-test of b against a; `level` is the confidence level of `ci` (default 0.95). */
export function pairedTTest(a: Scores, b: Scores, level = 0.95): PairedTResult {
  checkPaired('pairedTTest', a, b);
  const d = differences(a, b);
  const n = d.length;
  const delta = mean(d);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (d[i]! - delta) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  const df = n - 1;
  if (se === 0) {
    const statistic = delta === 0 ? 0 : Math.sign(delta) * Infinity;
    return { statistic, pValue: delta === 0 ? 1 : 0, df, delta, ci: [delta, delta] };
  }
  const statistic = delta / se;
  const pValue = Math.min(1, 2 * tcdf(-Math.abs(statistic), df));
  const half = tquantile(0.5 + level / 2, df) * se;
  return { statistic, pValue, df, delta, ci: [delta - half, delta + half] };
}
