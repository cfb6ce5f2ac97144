/**
 * compareRuns: every run against a baseline on every metric, with a significance test, a 95%
 * confidence interval of the mean difference, a multiple-testing correction over the systems
 * (per metric), and wins / ties / losses. Declared as data (runs, metrics, baseline, test),
 * one call gives one table, as PyTerrier's Experiment and ranx's compare do.
 *
 * The queries are the qrels' (trec_eval -c): a query missing from a run scores 0 there.
 * `notes` says how many queries each run lacks or adds, so that output can say so.
 */
import { from, type ColumnTable } from 'arquero';
import type { Qrels, Run } from '../../data/types.js';
import { bootstrapCi } from './bootstrap.js';
import { adjustPValues, parseCorrection, type CorrectionName } from './correction.js';
import { pairedTTest } from './paired-t.js';
import { mean, winsTiesLosses } from './paired-values.js';
import { perQueryScores, type PerQueryScores } from './per-query.js';
import { randomizationTest } from './randomization.js';
import { wilcoxonTest } from './wilcoxon.js';
import {
  checkAlpha,
  DEFAULT_COMPARE,
  parseTest,
  type CompareOptions,
  type TestName,
} from './options.js';

/** One system on one metric; the baseline's own row has delta 0 and null statistics. */
export interface ComparisonRow {
  readonly system: string;
  readonly metric: string;
  readonly mean: number;
  readonly delta: number;
  readonly ci95: readonly [number, number] | null;
  readonly pValue: number | null;
  readonly pAdjusted: number | null;
  readonly significant: boolean;
  readonly wins: number;
  readonly ties: number;
  readonly losses: number;
}

/** The result as plain data: what `kalelab compare --json` prints, plus `notes`. */
export interface Comparison {
  /** Number of qrels queries (a metric such as mrr@10 may average over fewer: those with a relevant document). */
  readonly queries: number;
  readonly test: TestName;
  readonly correction: CorrectionName;
  readonly alpha: number;
  readonly baseline: string;
  readonly metrics: readonly string[];
  readonly rows: readonly ComparisonRow[];
  /** Sentences on how queries were handled (missing ones scored 0, extra ones ignored). */
  readonly notes: readonly string[];
}

/** Resolved options, every field set. */
export type Resolved = Required<Omit<CompareOptions, 'baseline' | 'metrics'>> & {
  readonly baseline: string;
};

export function resolve(names: readonly string[], options: CompareOptions): Resolved {
  const baseline = options.baseline ?? names[0]!;
  if (!names.includes(baseline)) {
    throw new Error(`baseline "${baseline}" names no run; runs: ${names.join(', ')}`);
  }
  return {
    baseline,
    test: parseTest(options.test ?? DEFAULT_COMPARE.test),
    correction: parseCorrection(options.correction ?? DEFAULT_COMPARE.correction),
    alpha: checkAlpha(options.alpha ?? DEFAULT_COMPARE.alpha),
    permutations: options.permutations ?? DEFAULT_COMPARE.permutations,
    bootstrapSamples: options.bootstrapSamples ?? DEFAULT_COMPARE.bootstrapSamples,
    seed: options.seed ?? DEFAULT_COMPARE.seed,
  };
}

/** p-value and 95% interval of b against a under the chosen test. */
export function testPair(
  a: Float64Array,
  b: Float64Array,
  o: Resolved,
): { pValue: number; ci95: [number, number] } {
  if (o.test === 'paired-t') {
    const t = pairedTTest(a, b);
    return { pValue: t.pValue, ci95: [t.ci[0], t.ci[1]] };
  }
  const ci95 = bootstrapCi(a, b, { samples: o.bootstrapSamples, seed: o.seed });
  const pValue =
    o.test === 'wilcoxon'
      ? wilcoxonTest(a, b).pValue
      : randomizationTest(a, b, { permutations: o.permutations, seed: o.seed }).pValue;
  return { pValue, ci95 };
}

/** One tested pair's statistic columns, in the order rows carry them. */
export interface TestColumns {
  readonly ci95: [number, number];
  readonly pValue: number;
  readonly pAdjusted: number;
  readonly significant: boolean;
  readonly wins: number;
  readonly ties: number;
  readonly losses: number;
}

/**
 * Tests each pair [a, b] (b against a) and corrects the p-values over them as one family
 * (`o.correction`); a pair is significant when its adjusted p-value is ≤ `o.alpha`.
 */
export function testFamily(
  pairs: readonly (readonly [Float64Array, Float64Array])[],
  o: Resolved,
): TestColumns[] {
  const tested = pairs.map(([a, b]) => ({ ...testPair(a, b, o), ...winsTiesLosses(a, b) }));
  const adjusted = adjustPValues(
    tested.map((t) => t.pValue),
    o.correction,
  );
  return tested.map(({ ci95, pValue, wins, ties, losses }, i) => ({
    ci95,
    pValue,
    pAdjusted: adjusted[i]!,
    significant: adjusted[i]! <= o.alpha,
    wins,
    ties,
    losses,
  }));
}

/** Sentences on query coverage, one per run that lacks or adds queries. */
export function coverageNotes(scores: PerQueryScores): string[] {
  const notes = [
    `queries: the ${scores.qrelsQueries} of the qrels; a query missing from a run scores 0 there (trec_eval -c)`,
  ];
  for (const [name, c] of Object.entries(scores.coverage)) {
    if (c.missing > 0)
      notes.push(
        `run "${name}" lacks ${c.missing} qrels quer${c.missing === 1 ? 'y' : 'ies'} (scored 0)`,
      );
    if (c.extra > 0)
      notes.push(
        `run "${name}" has ${c.extra} quer${c.extra === 1 ? 'y' : 'ies'} without qrels (ignored)`,
      );
  }
  return notes;
}

/** Compares per-query scores already computed (see perQueryScores). */
export function compareScores(scores: PerQueryScores, options: CompareOptions = {}): Comparison {
  const names = Object.keys(scores.scores);
  const o = resolve(names, options);
  const others = names.filter((n) => n !== o.baseline);
  const rows: ComparisonRow[] = [];
  for (const metric of scores.metrics) {
    const base = scores.scores[o.baseline]![metric]!;
    const baseMean = mean(base);
    rows.push({
      system: o.baseline,
      metric,
      mean: baseMean,
      delta: 0,
      ci95: null,
      pValue: null,
      pAdjusted: null,
      significant: false,
      wins: 0,
      ties: base.length,
      losses: 0,
    });
    const columns = testFamily(
      others.map((system) => [base, scores.scores[system]![metric]!] as const),
      o,
    );
    others.forEach((system, i) => {
      const m = mean(scores.scores[system]![metric]!);
      rows.push({ system, metric, mean: m, delta: m - baseMean, ...columns[i]! });
    });
  }
  return {
    queries: scores.qrelsQueries,
    test: o.test,
    correction: o.correction,
    alpha: o.alpha,
    baseline: o.baseline,
    metrics: scores.metrics,
    rows,
    notes: coverageNotes(scores),
  };
}

/** Scores the runs on the qrels queries and compares them: the data behind compareRuns. */
export function runComparison(
  qrels: Qrels,
  runs: Readonly<Record<string, Run>>,
  options: CompareOptions = {},
): Comparison {
  const names = Object.keys(runs);
  if (names.length > 0) resolve(names, options); // bad options fail before any scoring
  const scores = perQueryScores(qrels, runs, options.metrics ?? DEFAULT_COMPARE.metrics);
  return compareScores(scores, options);
}

/**
 * Compares runs (system name → run) against a baseline on the qrels' queries. Returns an
 * arquero table with one row per system and metric: system, metric, mean, delta, ci95,
 * pValue, pAdjusted, significant, wins, ties, losses. See runComparison for the plain data
 * with its notes.
 */
export function compareRuns(
  qrels: Qrels,
  runs: Readonly<Record<string, Run>>,
  options: CompareOptions = {},
): ColumnTable {
  return comparisonTable(runComparison(qrels, runs, options));
}

/** The rows of a comparison as an arquero table. */
export function comparisonTable(comparison: Comparison): ColumnTable {
  return from(comparison.rows.map((r) => ({ ...r })));
}
