/**
 * What the fusion methods share: input checks and an accumulator from (query, document) to
 * a fused score that is safe for any id (a Map, so "__proto__" or "constructor" are plain
 * ids), turned into an ordinary Run at the end.
 */
import type { Run } from '../../data/types.js';

export function checkRuns(method: string, runs: readonly Run[]): void {
  if (runs.length < 1) throw new Error(`${method}: needs at least 1 run, got 0`);
  runs.forEach((run, r) => {
    for (const qid of Object.keys(run)) {
      for (const [docid, s] of Object.entries(run[qid]!)) {
        if (!Number.isFinite(s))
          throw new Error(`${method}: run ${r} query "${qid}" document "${docid}" has score ${s}`);
      }
    }
  });
}

/** query → document → value. */
export type Accumulator = Map<string, Map<string, number>>;

export function add(acc: Accumulator, qid: string, docid: string, value: number): void {
  let docs = acc.get(qid);
  if (!docs) acc.set(qid, (docs = new Map()));
  docs.set(docid, (docs.get(docid) ?? 0) + value);
}

/** The accumulator as a Run; with `depth`, each query keeps its `depth` best documents. */
export function toRun(acc: Accumulator, depth?: number): Run {
  if (depth !== undefined && !(Number.isInteger(depth) && depth > 0)) {
    throw new Error(`fusion: depth must be a positive integer, got ${depth}`);
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [qid, docs] of acc) {
    let entries = [...docs];
    if (depth !== undefined && entries.length > depth) {
      entries.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
      entries = entries.slice(0, depth);
    }
    const q: Record<string, number> = {};
    for (const [docid, s] of entries)
      Object.defineProperty(q, docid, {
        value: s,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    Object.defineProperty(out, qid, {
      value: q,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
