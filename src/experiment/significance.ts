/**
 * The walkthrough's summary of what its grid shows, in words: for each effect the grid
 * tests (depth: half-depth vs full; pruning vs full; KALE vs pruning at each depth;
 * asymmetric training vs full; asym+kale vs the model it was pruned from, and vs
 * half-depth when both exist), whether it holds at p < 0.05. It reads the rows'
 * `comparison` fields (row-comparison.ts); it computes no test itself except through
 * the `extra` comparisons a caller hands in.
 */
import type { ResultRow, RowComparison } from '../data/types.js';
import { SIGNIFICANCE_ALPHA } from './row-comparison.js';

/** One tested effect: `row` against `against`, both named as in the tables. */
export interface Effect {
  readonly dataset: string;
  readonly row: string;
  readonly comparison: RowComparison;
}

/** How a row is named in tables and sentences: the method, and its query depth where it varies. */
export function rowLabel(method: string, queryLayers: number): string {
  return method === 'bm25' || method === 'full' || method === 'half-depth'
    ? method
    : `${method} q${queryLayers}`;
}

/** The id a row has in the grid's plan (and its TREC run's file name): `pruned-q2`, `full`. */
export function planRowId(method: string, queryLayers: number): string {
  return method === 'bm25' || method === 'full' || method === 'half-depth'
    ? method
    : `${method}-q${queryLayers}`;
}

/** The effects the rows' comparisons test, in row order. */
export function gridEffects(rows: readonly ResultRow[]): Effect[] {
  return rows.flatMap((r) =>
    r.comparison === null || r.comparison === undefined
      ? []
      : [{ dataset: r.dataset, row: rowLabel(r.method, r.queryLayers), comparison: r.comparison }],
  );
}

/** Signed to 3 decimals, with a real minus sign. */
function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
}

/**
 * A p-value for reading: "<0.001" below 0.001, else two significant digits ("0.17",
 * "0.0042"), or more where two would put it on the other side of the 0.05 marker (0.0499
 * reads "0.0499", not "0.050").
 */
export function formatPValue(p: number): string {
  if (p < 0.001) return '<0.001';
  for (const digits of [2, 3, 4]) {
    const text = p.toPrecision(digits);
    if (Number(text) < SIGNIFICANCE_ALPHA === p < SIGNIFICANCE_ALPHA) return text;
  }
  return String(p);
}

/** "p = 0.0042", or "p < 0.001" where it is that small. */
export function formatP(p: number): string {
  const text = formatPValue(p);
  return text.startsWith('<') ? `p < ${text.slice(1)}` : `p = ${text}`;
}

function sentence(e: Effect): string {
  const c = e.comparison;
  const against = rowLabel(c.against, c.againstQueryLayers);
  return `${e.row} vs ${against} (${signed(c.delta)}, ${formatP(c.pValue)})`;
}

/**
 * Per dataset a paragraph: the test and its setting, then the effects that hold at
 * p < 0.05 and those that do not (a difference that may be noise).
 */
export function describeEffects(effects: readonly Effect[]): string {
  const datasets = [...new Set(effects.map((e) => e.dataset))];
  return datasets
    .map((dataset) => {
      const own = effects.filter((e) => e.dataset === dataset);
      const first = own[0]!.comparison;
      const holds = own.filter((e) => e.comparison.pValue < SIGNIFICANCE_ALPHA);
      const not = own.filter((e) => e.comparison.pValue >= SIGNIFICANCE_ALPHA);
      const list = (xs: readonly Effect[]) =>
        xs.length === 0 ? 'none' : xs.map(sentence).join('; ');
      return (
        `${dataset}: differences in ${first.metric} over ${first.queries} test queries, paired ` +
        `randomization test (two-sided, seeded). Hold at p < ${SIGNIFICANCE_ALPHA}: ${list(holds)}. ` +
        `Do not hold (may be noise): ${list(not)}.`
      );
    })
    .join('\n\n');
}
