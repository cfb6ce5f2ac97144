/**
 * Per-query scores of several runs on the same queries, the input of every paired test.
 * The queries are those of the qrels, as trec_eval -c: a qrels query that a run lacks scores
 * 0 for that run, and run queries without qrels are ignored (both are counted, so the caller
 * can say so). `mrr@K` and `accuracy@K` average over the qrels queries with a relevant
 * document (eval/metrics.ts), the others over all qrels queries.
 *
 * Also the per-query deltas against a baseline as an arquero table.
 */
import { from, type ColumnTable } from 'arquero';
import type { Qrels, Run } from '../../data/types.js';
import { evaluateRun } from '../metrics.js';
import { parseMetrics } from '../metric-names.js';

export interface RunCoverage {
  /** qrels queries the run lacks (they score 0). */
  readonly missing: number;
  /** run queries that have no qrels (ignored). */
  readonly extra: number;
}

export interface PerQueryScores {
  /** Canonical metric names, in the order asked. */
  readonly metrics: readonly string[];
  /** metric → the query ids scored, sorted. */
  readonly queries: Readonly<Record<string, readonly string[]>>;
  /** system → metric → one score per query of `queries[metric]`. */
  readonly scores: Readonly<Record<string, Readonly<Record<string, Float64Array>>>>;
  readonly coverage: Readonly<Record<string, RunCoverage>>;
  /** Number of qrels queries. */
  readonly qrelsQueries: number;
}

/** Throws, naming the run, query and document, on a score that is not a finite number. */
function checkScores(name: string, run: Run): void {
  for (const qid of Object.keys(run)) {
    const docs = run[qid]!;
    for (const docid of Object.keys(docs)) {
      const s = docs[docid];
      if (typeof s !== 'number' || !Number.isFinite(s)) {
        throw new Error(
          `run "${name}": query "${qid}" document "${docid}" has score ${String(s)}; scores must be finite numbers`,
        );
      }
    }
  }
}

function coverageOf(qrels: Qrels, run: Run): RunCoverage {
  let missing = 0;
  for (const q of Object.keys(qrels)) if (!Object.hasOwn(run, q)) missing++;
  let extra = 0;
  for (const q of Object.keys(run)) if (!Object.hasOwn(qrels, q)) extra++;
  return { missing, extra };
}

/**
 * Scores every run on every metric over the qrels queries. Throws on fewer than two runs,
 * a run that shares no query with the qrels, a non-finite score, an
 * unknown metric, or a metric scored on fewer than two queries.
 */
export function perQueryScores(
  qrels: Qrels,
  runs: Readonly<Record<string, Run>>,
  metrics: readonly string[],
): PerQueryScores {
  const names = Object.keys(runs);
  if (names.length < 2)
    throw new Error(`comparing runs needs at least 2 runs, got ${names.length}`);
  const qrelsQueries = Object.keys(qrels).length;
  if (qrelsQueries === 0) throw new Error('the qrels hold no query');
  const specs = parseMetrics(metrics);
  const canonical = specs.map((s) => s.name);
  const coverage: Record<string, RunCoverage> = {};
  const scores: Record<string, Record<string, Float64Array>> = {};
  let queries: Record<string, string[]> | undefined;
  for (const name of names) {
    const run = runs[name]!;
    checkScores(name, run);
    coverage[name] = coverageOf(qrels, run);
    if (coverage[name].missing === qrelsQueries) {
      throw new Error(
        `run "${name}" has none of the ${qrelsQueries} qrels queries (are run and qrels from the same collection?)`,
      );
    }
    const evaluation = evaluateRun(qrels, run, canonical, { complete: true });
    const ids = Object.keys(evaluation.perQuery).sort();
    // The query set of each metric depends on the qrels only, so it is the same for every run.
    queries ??= Object.fromEntries(
      canonical.map((m) => [m, ids.filter((q) => m in evaluation.perQuery[q]!)]),
    );
    scores[name] = Object.fromEntries(
      canonical.map((m) => [
        m,
        Float64Array.from(queries![m]!, (q) => evaluation.perQuery[q]![m]!),
      ]),
    );
  }
  for (const m of canonical) {
    const n = queries![m]!.length;
    if (n < 2)
      throw new Error(
        `metric "${m}" is scored on ${n} quer${n === 1 ? 'y' : 'ies'}; a paired test needs at least 2`,
      );
  }
  return { metrics: canonical, queries: queries!, scores, coverage, qrelsQueries };
}

/**
 * One row per query and system other than the baseline: {query, system, metric, baseline,
 * score, delta}, sorted by system, then delta ascending (for a sorted per-query delta chart).
 */
export function perQueryDeltas(
  scores: PerQueryScores,
  baseline: string,
  metric: string,
): ColumnTable {
  const base = scores.scores[baseline]?.[metric];
  if (!base)
    throw new Error(`perQueryDeltas: no scores for baseline "${baseline}" on metric "${metric}"`);
  const ids = scores.queries[metric]!;
  const rows: {
    query: string;
    system: string;
    metric: string;
    baseline: number;
    score: number;
    delta: number;
  }[] = [];
  for (const system of Object.keys(scores.scores)) {
    if (system === baseline) continue;
    const s = scores.scores[system]![metric]!;
    const part = ids.map((query, i) => ({
      query,
      system,
      metric,
      baseline: base[i]!,
      score: s[i]!,
      delta: s[i]! - base[i]!,
    }));
    part.sort((x, y) => x.delta - y.delta || (x.query < y.query ? -1 : x.query > y.query ? 1 : 0));
    rows.push(...part);
  }
  return from(rows);
}
