/**
 * All-pairs mode: every pair of systems on every metric, either with Tukey's HSD (which
 * controls the family-wise error over all pairs by itself) or with a paired test and a
 * correction over all pairs of the metric. Rows: metric, a, b, delta (= mean b − mean a),
 * pValue, pAdjusted, significant, and for paired tests ci95 and wins / ties / losses of b.
 */
import { from, type ColumnTable } from 'arquero';
import type { Qrels, Run } from '../../data/types.js';
import { resolve, testFamily } from './compare-runs.js';
import { mean } from './paired-values.js';
import { perQueryScores } from './per-query.js';
import { DEFAULT_COMPARE, type CompareOptions, type TestName } from './options.js';
import { tukeyHsd } from './tukey-hsd.js';

export interface AllPairsOptions extends Omit<CompareOptions, 'baseline' | 'test'> {
  /** 'tukey' (default) or a paired test, then corrected with `correction` over the pairs. */
  readonly test?: TestName | 'tukey';
}

export interface PairRow {
  readonly metric: string;
  readonly a: string;
  readonly b: string;
  readonly delta: number;
  readonly ci95: readonly [number, number] | null;
  readonly pValue: number;
  readonly pAdjusted: number;
  readonly significant: boolean;
  readonly wins: number | null;
  readonly ties: number | null;
  readonly losses: number | null;
}

/** Every pair of runs compared on every metric; see the file header. */
export function comparePairs(
  qrels: Qrels,
  runs: Readonly<Record<string, Run>>,
  options: AllPairsOptions = {},
): PairRow[] {
  const test = options.test ?? 'tukey';
  const names = Object.keys(runs);
  if (names.length < 2)
    throw new Error(`comparing runs needs at least 2 runs, got ${names.length}`);
  const o = resolve(names, {
    ...options,
    baseline: names[0]!,
    test: test === 'tukey' ? 'paired-t' : test,
  });
  const scores = perQueryScores(qrels, runs, options.metrics ?? DEFAULT_COMPARE.metrics);
  const rows: PairRow[] = [];
  for (const metric of scores.metrics) {
    const of = (name: string): Float64Array => scores.scores[name]![metric]!;
    if (test === 'tukey') {
      const groups = Object.fromEntries(names.map((n) => [n, of(n)]));
      for (const p of tukeyHsd(groups, o.alpha)) {
        rows.push({
          metric,
          a: p.a,
          b: p.b,
          delta: p.delta,
          ci95: null,
          pValue: p.pValue,
          pAdjusted: p.pValue,
          significant: p.significant,
          wins: null,
          ties: null,
          losses: null,
        });
      }
      continue;
    }
    const pairs: { a: string; b: string }[] = [];
    names.forEach((a, i) => names.slice(i + 1).forEach((b) => pairs.push({ a, b })));
    const columns = testFamily(
      pairs.map(({ a, b }) => [of(a), of(b)] as const),
      o,
    );
    pairs.forEach(({ a, b }, i) => {
      rows.push({ metric, a, b, delta: mean(of(b)) - mean(of(a)), ...columns[i]! });
    });
  }
  return rows;
}

/** comparePairs as an arquero table. */
export function compareAllPairs(
  qrels: Qrels,
  runs: Readonly<Record<string, Run>>,
  options: AllPairsOptions = {},
): ColumnTable {
  return from(comparePairs(qrels, runs, options).map((r) => ({ ...r })));
}
