/**
 * CombSUM and CombMNZ (Fox & Shaw, TREC-2 1994): a document's fused score is the sum of its
 * normalised scores over the runs that retrieved it (CombSUM), times the number of those runs
 * (CombMNZ). Scores are normalised per query and run first (normalize.ts; min-max by
 * default), since raw BM25 and dense scores live on different scales.
 */
import type { Run } from '../../data/types.js';
import { add, checkRuns, toRun, type Accumulator } from './fusion-common.js';
import { normalizeRun, type Normalization } from './normalize.js';

export interface CombOptions {
  /** Per-query normalisation of each run (default 'minmax'). */
  readonly normalization?: Normalization;
  /** Weight of each run (default 1 each). */
  readonly weights?: readonly number[];
  /** Keep only each query's best `depth` fused documents (default: all). */
  readonly depth?: number;
}

function fuse(method: string, runs: readonly Run[], options: CombOptions, mnz: boolean): Run {
  checkRuns(method, runs);
  const weights = options.weights ?? runs.map(() => 1);
  if (weights.length !== runs.length || !weights.every((w) => Number.isFinite(w))) {
    throw new Error(
      `${method}: weights must be ${runs.length} finite numbers, got [${weights.join(', ')}]`,
    );
  }
  const sums: Accumulator = new Map();
  const counts: Accumulator = new Map();
  runs.forEach((raw, r) => {
    const run = normalizeRun(raw, options.normalization ?? 'minmax');
    for (const qid of Object.keys(run)) {
      for (const [docid, s] of Object.entries(run[qid]!)) {
        add(sums, qid, docid, weights[r]! * s);
        add(counts, qid, docid, 1);
      }
    }
  });
  if (mnz) {
    for (const [qid, docs] of sums)
      for (const [docid, s] of docs) docs.set(docid, s * counts.get(qid)!.get(docid)!);
  }
  return toRun(sums, options.depth);
}

export function combSum(runs: readonly Run[], options: CombOptions = {}): Run {
  return fuse('combSum', runs, options, false);
}

export function combMnz(runs: readonly Run[], options: CombOptions = {}): Run {
  return fuse('combMnz', runs, options, true);
}
