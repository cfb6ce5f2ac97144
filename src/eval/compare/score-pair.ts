/**
 * The comparison the experiment grid attaches to each results.json row: one system against
 * another on one metric, paired randomization test, seeded, so the same inputs always give
 * the same p-value. Two entry points: per-query score maps the caller already has, or two
 * runs with their qrels and a metric (scored as compareRuns does, missing queries 0).
 */
import type { Qrels, Run } from '../../data/types.js';
import { perQueryScores } from './per-query.js';
import {
  DEFAULT_RANDOMIZATION,
  randomizationTest,
  type RandomizationOptions,
} from './randomization.js';

export interface ScorePairComparison {
  /** mean(b) − mean(a). */
  readonly delta: number;
  readonly pValue: number;
  readonly test: 'randomization';
  readonly queries: number;
}

/**
 * Compares per-query scores `b` against `a` (query id → score). Both must hold exactly the
 * same queries (≥ 2): a query in one map only is an error naming it, since whether it should
 * score 0 is the caller's decision. Options: permutations (default 10,000) and seed (0).
 */
export function compareScorePair(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
  options: RandomizationOptions = {},
): ScorePairComparison {
  const ids = Object.keys(a).sort();
  const onlyB = Object.keys(b).filter((q) => !Object.hasOwn(a, q));
  const onlyA = ids.filter((q) => !Object.hasOwn(b, q));
  if (onlyA.length > 0 || onlyB.length > 0) {
    const example =
      onlyA.length > 0 ? `"${onlyA[0]}" only in the first` : `"${onlyB[0]}" only in the second`;
    throw new Error(
      `compareScorePair: the score maps hold different queries (${onlyA.length} only in the first, ${onlyB.length} only in the second; e.g. ${example})`,
    );
  }
  const x = Float64Array.from(ids, (q) => a[q]!);
  const y = Float64Array.from(ids, (q) => b[q]!);
  const r = randomizationTest(x, y, {
    permutations: options.permutations ?? DEFAULT_RANDOMIZATION.permutations,
    seed: options.seed ?? DEFAULT_RANDOMIZATION.seed,
  });
  return { delta: r.delta, pValue: r.pValue, test: 'randomization', queries: ids.length };
}

/** Scores `runB` and `runA` on `metric` over the qrels queries (missing ones 0), then compareScorePair. */
export function compareRunPair(
  qrels: Qrels,
  runA: Run,
  runB: Run,
  metric: string,
  options: RandomizationOptions = {},
): ScorePairComparison {
  const scores = perQueryScores(qrels, { first: runA, second: runB }, [metric]);
  const m = scores.metrics[0]!;
  const ids = scores.queries[m]!;
  const toMap = (s: Float64Array): Record<string, number> => {
    const out: Record<string, number> = {};
    ids.forEach((q, i) => Object.defineProperty(out, q, { value: s[i]!, enumerable: true }));
    return out;
  };
  return compareScorePair(
    toMap(scores.scores['first']![m]!),
    toMap(scores.scores['second']![m]!),
    options,
  );
}
