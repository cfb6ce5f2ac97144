/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): a document's fused score
 * is Σ over runs of 1 / (k + rank), rank 1-based within the run's query, documents the run
 * lacks adding nothing. Ranks order by score descending and ties by doc id ascending (the
 * oracle's convention; trec_eval would break ties by id descending). k = 60 by default.
 */
import type { Run } from '../../data/types.js';
import { add, checkRuns, toRun, type Accumulator } from './fusion-common.js';

export interface RrfOptions {
  /** The rank offset (default 60, the paper's). */
  readonly k?: number;
  /** Keep only each query's best `depth` fused documents (default: all). */
  readonly depth?: number;
}

/** Documents of one query ranked by score descending, ties by id ascending. */
export function rankedIds(docs: Readonly<Record<string, number>>): string[] {
  return Object.keys(docs).sort((x, y) => docs[y]! - docs[x]! || (x < y ? -1 : x > y ? 1 : 0));
}

export function reciprocalRankFusion(runs: readonly Run[], options: RrfOptions = {}): Run {
  const k = options.k ?? 60;
  if (!(k >= 0 && Number.isFinite(k)))
    throw new Error(`reciprocalRankFusion: k must be ≥ 0, got ${k}`);
  checkRuns('reciprocalRankFusion', runs);
  const acc: Accumulator = new Map();
  for (const run of runs) {
    for (const qid of Object.keys(run)) {
      rankedIds(run[qid]!).forEach((docid, i) => add(acc, qid, docid, 1 / (k + i + 1)));
    }
  }
  return toRun(acc, options.depth);
}
