/**
 * Wilcoxon signed-rank test on per-query differences b − a, two-sided, as
 * scipy.stats.wilcoxon(b, a, zero_method='wilcox', correction=False, mode='approx'):
 * zero differences are dropped, |d| ranked with average ranks for ties, and the statistic
 * T = min(R+, R−) is referred to the normal approximation with the tie-corrected variance
 * n(n+1)(2n+1)/24 − Σ(t³ − t)/48, without continuity correction. No exact small-sample mode.
 *
 * All differences zero gives p = 1.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { checkPaired, differences, type Scores } from './paired-values.js';

export interface WilcoxonResult {
  /** min(R+, R−). */
  readonly statistic: number;
  readonly pValue: number;
  /** Queries with a non-zero difference (the test's n). */
  readonly nonZero: number;
  readonly z: number;
}

export function wilcoxonTest(a: Scores, b: Scores): WilcoxonResult {
  checkPaired('wilcoxonTest', a, b);
  const d = Array.from(differences(a, b)).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { statistic: 0, pValue: 1, nonZero: 0, z: 0 };
  const order = d.map((_, i) => i).sort((i, j) => Math.abs(d[i]!) - Math.abs(d[j]!));
  let rPlus = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    const v = Math.abs(d[order[start]!]!);
    while (end < n && Math.abs(d[order[end]!]!) === v) end++;
    const rank = (start + 1 + end) / 2; // average of ranks start+1 .. end
    for (let i = start; i < end; i++) if (d[order[i]!]! > 0) rPlus += rank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  const rMinus = (n * (n + 1)) / 2 - rPlus;
  const statistic = Math.min(rPlus, rMinus);
  const meanT = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const z = sd === 0 ? 0 : (statistic - meanT) / sd;
  const pValue = Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
  return { statistic, pValue, nonZero: n, z };
}
