/**
 * Per-query score normalisation before score fusion: `minmax` maps a query's scores to
 * [0, 1] ((s − min) / (max − min); a query with one distinct score gives 1.0, as the oracle),
 * `zscore` to (s − mean) / sd with the population sd (a query with sd 0 gives 0), `none`
 * keeps them. Returns a new run; the input is not changed.
 */
import type { Run } from '../../data/types.js';
import { isOneOf, nameList, unknownName } from '../../util/names.js';

export const NORMALIZATIONS = nameList('minmax', 'zscore', 'none');
export type Normalization = (typeof NORMALIZATIONS)[number];

function normalizeQuery(
  docs: Readonly<Record<string, number>>,
  how: Normalization,
): Record<string, number> {
  const ids = Object.keys(docs);
  const values = ids.map((id) => docs[id]!);
  let map: (s: number) => number;
  if (how === 'minmax') {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    map = hi === lo ? () => 1 : (s) => (s - lo) / (hi - lo);
  } else if (how === 'zscore') {
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
    map = sd === 0 ? () => 0 : (s) => (s - m) / sd;
  } else {
    map = (s) => s;
  }
  const out: Record<string, number> = {};
  ids.forEach((id, i) =>
    Object.defineProperty(out, id, {
      value: map(values[i]!),
      enumerable: true,
      writable: true,
      configurable: true,
    }),
  );
  return out;
}

export function normalizeRun(run: Run, how: Normalization): Run {
  if (!isOneOf(NORMALIZATIONS, how)) throw unknownName('normalization', how, NORMALIZATIONS);
  const out: Record<string, Record<string, number>> = {};
  for (const qid of Object.keys(run)) {
    Object.defineProperty(out, qid, {
      value: normalizeQuery(run[qid]!, how),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
