/**
 * Scores a run against qrels: per-query values and their means, with trec_eval semantics
 * for the trec_eval measures and the MS MARCO / DPR definitions for `mrr@K` / `accuracy@K`.
 * Pure: reads its inputs, never changes them.
 *
 * Which queries each metric averages over (its denominator):
 * - trec_eval measures `ndcg@K`, `recall@K`, `p@K`, `map`, `recip_rank`, `success@K`:
 *   by default the queries present in BOTH qrels and run (trec_eval without `-c`);
 *   queries whose qrels hold only grade-0 documents are included and score 0, run-only
 *   queries are ignored. With `complete: true` (trec_eval `-c`), every qrels query,
 *   a query missing from the run scoring 0.
 * - `mrr@K` (MS MARCO) and `accuracy@K` (DPR top-k accuracy on qrels): every qrels query
 *   with at least one relevant document (grade ≥ 1), whether or not the run has it
 *   (missing queries score 0); `complete` does not change this set.
 * A query appears in `perQuery` with exactly the metrics whose set holds it. The mean over
 * an empty set is 0.
 *
 * For DPR data scored by answer strings rather than qrels, see answers.ts.
 */
import { emptyRecord } from '../data/records.js';
import type { Qrels, Run } from '../data/types.js';
import { judgeRanking, RELEVANT_GRADE, type JudgedRanking } from './judged.js';
import {
  averagePrecision,
  ndcgAt,
  precisionAt,
  recallAt,
  reciprocalRank,
  reciprocalRankAt,
  successAt,
} from './measures.js';
import { parseMetrics, type MetricSpec } from './metric-names.js';

export interface EvaluateOptions {
  /** trec_eval `-c`: average trec_eval measures over all qrels queries (default false, as trec_eval). */
  readonly complete?: boolean;
}

export interface Evaluation {
  /** metric name (canonical, e.g. "ndcg@10") → mean over its query set. */
  readonly aggregate: Record<string, number>;
  /** query id → metric name → value, for the metrics whose query set holds the query. */
  readonly perQuery: Record<string, Record<string, number>>;
  /** metric name → number of queries averaged (trec_eval's `num_q`). */
  readonly numQueries: Record<string, number>;
}

const EMPTY: Readonly<Record<string, number>> = Object.freeze({});

function valueOf(spec: MetricSpec, j: JudgedRanking): number {
  switch (spec.family) {
    case 'ndcg':
      return ndcgAt(j, spec.k);
    case 'recall':
      return recallAt(j, spec.k);
    case 'p':
      return precisionAt(j, spec.k);
    case 'success':
    case 'accuracy':
      return successAt(j, spec.k);
    case 'mrr':
      return reciprocalRankAt(j, spec.k);
    case 'map':
      return averagePrecision(j);
    case 'recip_rank':
      return reciprocalRank(j);
  }
}

/** The queries a metric averages over (see the file header), in sorted order. */
function querySet(spec: MetricSpec, qrels: Qrels, run: Run, complete: boolean): string[] {
  const qrelsIds = Object.keys(qrels).sort();
  if (spec.family === 'mrr' || spec.family === 'accuracy') {
    return qrelsIds.filter((q) => Object.values(qrels[q]!).some((g) => g >= RELEVANT_GRADE));
  }
  return complete ? qrelsIds : qrelsIds.filter((q) => Object.hasOwn(run, q));
}

/**
 * Evaluates `run` against `qrels` on `metrics` (names as in metric-names.ts; unknown names
 * throw). Returns per-query values, their means and the number of queries in each mean.
 */
export function evaluateRun(
  qrels: Qrels,
  run: Run,
  metrics: readonly string[],
  options: EvaluateOptions = {},
): Evaluation {
  const specs = parseMetrics(metrics);
  const complete = options.complete ?? false;
  const judged = new Map<string, JudgedRanking>();
  const judge = (q: string): JudgedRanking => {
    let j = judged.get(q);
    if (!j) {
      j = judgeRanking(
        Object.hasOwn(qrels, q) ? qrels[q]! : EMPTY,
        Object.hasOwn(run, q) ? run[q]! : EMPTY,
      );
      judged.set(q, j);
    }
    return j;
  };

  // No prototype: a query id such as "__proto__" or "constructor" is an ordinary key.
  const aggregate = emptyRecord<number>();
  const perQuery = emptyRecord<Record<string, number>>();
  const numQueries = emptyRecord<number>();
  for (const spec of specs) {
    const queries = querySet(spec, qrels, run, complete);
    let sum = 0;
    for (const q of queries) {
      const v = valueOf(spec, judge(q));
      (perQuery[q] ??= emptyRecord<number>())[spec.name] = v;
      sum += v;
    }
    aggregate[spec.name] = queries.length === 0 ? 0 : sum / queries.length;
    numQueries[spec.name] = queries.length;
  }
  return { aggregate, perQuery, numQueries };
}
