/**
 * Tukey's honestly significant difference over all pairs of systems, as statsmodels'
 * pairwise_tukeyhsd: the systems are treated as groups of a one-way ANOVA (the pooled
 * within-group variance MSE on N − k degrees of freedom), and each pair's
 * q = |mean_b − mean_a| / √(MSE/2 · (1/n_a + 1/n_b)) is referred to the studentized range
 * distribution with k groups. The family-wise error rate over all pairs is controlled by the
 * test itself: no further correction applies.
 *
 * It ignores the pairing of queries (like statsmodels and ranx); the paired tests with a
 * Holm correction are the paired alternative (compareRuns' all-pairs mode offers both).
 */
import { studentizedRangeSf } from './studentized-range.js';
import { mean } from './paired-values.js';

export interface TukeyPair {
  readonly a: string;
  readonly b: string;
  /** mean(b) − mean(a). */
  readonly delta: number;
  readonly q: number;
  readonly pValue: number;
  /** pValue < alpha. */
  readonly significant: boolean;
}

/** All pairs (a before b in the order of `groups`' keys) of ≥ 2 groups of ≥ 1 finite score each. */
export function tukeyHsd(
  groups: Readonly<Record<string, ArrayLike<number>>>,
  alpha = 0.05,
): TukeyPair[] {
  const names = Object.keys(groups);
  if (names.length < 2) throw new Error(`tukeyHsd: needs at least 2 systems, got ${names.length}`);
  let total = 0;
  let ss = 0;
  const means = new Map<string, number>();
  for (const name of names) {
    const x = groups[name]!;
    if (x.length === 0) throw new Error(`tukeyHsd: system "${name}" has no scores`);
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]))
        throw new Error(`tukeyHsd: system "${name}" score ${i} is ${x[i]}`);
    }
    const m = mean(x);
    means.set(name, m);
    for (let i = 0; i < x.length; i++) ss += (x[i]! - m) ** 2;
    total += x.length;
  }
  const k = names.length;
  const df = total - k;
  if (df < 1)
    throw new Error(`tukeyHsd: ${total} scores over ${k} systems leave no degrees of freedom`);
  const mse = ss / df;
  const pairs: TukeyPair[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const a = names[i]!;
      const b = names[j]!;
      const delta = means.get(b)! - means.get(a)!;
      const se = Math.sqrt((mse / 2) * (1 / groups[a]!.length + 1 / groups[b]!.length));
      const q = se === 0 ? (delta === 0 ? 0 : Infinity) : Math.abs(delta) / se;
      const pValue = studentizedRangeSf(q, k, df);
      pairs.push({ a, b, delta, q, pValue, significant: pValue < alpha });
    }
  }
  return pairs;
}
