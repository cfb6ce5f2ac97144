/**
 * The `comparison` of a results row: the row against the row its plan names (plan.ts,
 * `comparedWith`) on the dataset's main metric, by a seeded paired randomization test over
 * the per-query scores of the two rows' saved runs. The per-query scores are those the
 * row's metric averages (scoreRun in eval/evaluate-dataset.ts): the evaluated test queries,
 * scored from qrels (a query missing from a run scores 0), or from answer strings for
 * DPR-style accuracy@K. So the mean of each side is exactly the row's reported metric.
 *
 * It does not choose which rows are compared (the plan does) nor cache anything (run-row.ts
 * does, keyed by keys.ts with ROW_COMPARISON).
 */
import type { RetrievalDataset, RowComparison, Run, ResultMethod } from '../data/types.js';
import {
  answerAccuracy,
  compareScorePair,
  evaluateRun,
  evaluationSplit,
  judgedQueries,
  parseMetric,
} from '../eval/index.js';

/**
 * How every row is compared: paired randomization, 10,000 sign flips (p resolves to about
 * 0.01 near 0.05: its standard error there is 0.002), seed 0 so a rerun gives the same p.
 */
export const ROW_COMPARISON = Object.freeze({
  test: 'randomization' as const,
  permutations: 10_000,
  seed: 0,
});

/** Significance level of the markers in tables and the walkthrough's summary. */
export const SIGNIFICANCE_ALPHA = 0.05;

/**
 * Query id → the main metric's value on that query, over the queries the row's metric
 * averages: the first `maxQueries` judged test queries (all when undefined), and of those
 * the ones the metric counts (mrr@K, accuracy@K: queries with a relevant document).
 */
export function perQueryMainScores(
  dataset: RetrievalDataset,
  run: Run,
  metric: string,
  maxQueries?: number,
): Record<string, number> {
  const split = evaluationSplit(dataset, 'test');
  const queries = judgedQueries(split, maxQueries);
  const spec = parseMetric(metric);
  const ids = Object.keys(queries);
  const out: Record<string, number> = {};
  const put = (q: string, v: number) =>
    Object.defineProperty(out, q, { value: v, enumerable: true });
  // As scoreRun: with answer strings, accuracy@K is DPR's answer accuracy.
  if (spec.family === 'accuracy' && ids.some((q) => (queries[q]!.answers?.length ?? 0) > 0)) {
    const accuracy = answerAccuracy(queries, run, dataset.corpus, [spec.k!]);
    for (const q of ids) {
      const v = accuracy.perQuery[q]?.[spec.name];
      if (v !== undefined) put(q, v);
    }
    return out;
  }
  const scoped = Object.fromEntries(ids.map((q) => [q, split.qrels[q]!]));
  const evaluation = evaluateRun(scoped, run, [spec.name], { complete: true });
  for (const q of ids) {
    const v = evaluation.perQuery[q]?.[spec.name];
    if (v !== undefined) put(q, v);
  }
  return out;
}

/** The row compared against: its method and query depth, and its run. */
export interface ComparedRun {
  readonly method: ResultMethod;
  readonly queryLayers: number;
  readonly run: Run;
}

/**
 * `run` (the row's) against `against` on `metric`: delta = mean(row) − mean(against), the
 * two-sided randomization p-value (ROW_COMPARISON's permutations and seed).
 */
export function compareRowRuns(
  dataset: RetrievalDataset,
  run: Run,
  against: ComparedRun,
  metric: string,
  maxQueries?: number,
): RowComparison {
  return compareRowScores(
    perQueryMainScores(dataset, run, metric, maxQueries),
    { ...against, scores: perQueryMainScores(dataset, against.run, metric, maxQueries) },
    metric,
  );
}

/**
 * compareRowRuns from per-query scores already made by perQueryMainScores (the grid saves
 * them with each evaluation, so a comparison need not read two TREC runs back).
 */
export function compareRowScores(
  mine: Readonly<Record<string, number>>,
  against: {
    readonly method: ResultMethod;
    readonly queryLayers: number;
    readonly scores: Readonly<Record<string, number>>;
  },
  metric: string,
): RowComparison {
  const { permutations, seed } = ROW_COMPARISON;
  const result = compareScorePair(against.scores, mine, { permutations, seed });
  return {
    against: against.method,
    againstQueryLayers: against.queryLayers,
    metric: parseMetric(metric).name,
    delta: result.delta,
    pValue: result.pValue,
    test: result.test,
    queries: result.queries,
  };
}

/** Whether a comparison holds at SIGNIFICANCE_ALPHA (false for none). */
export function isSignificant(comparison: RowComparison | null | undefined): boolean {
  return comparison !== null && comparison !== undefined && comparison.pValue < SIGNIFICANCE_ALPHA;
}
