/**
 * Runs for the compareRuns tests: the trec_eval oracle's run and two deterministic variants
 * of it (every other query's top-ranked document pushed to the bottom; a reciprocal rank
 * fusion of the two), on the oracle's qrels; and the comparison row's contract columns.
 */
import type { Qrels, Run } from '../../../src/data/types.js';
import { readTrecQrels, readRun } from '../../../src/eval/trec.js';
import { reciprocalRankFusion } from '../../../src/eval/compare/reciprocal-rank-fusion.js';
import { QRELS, RUN } from '../fixtures.js';

/** A copy of `run` where every other query (in sorted order) has its best document demoted. */
export function demoteTop(run: Run): Run {
  const out: Record<string, Record<string, number>> = {};
  Object.keys(run)
    .sort()
    .forEach((qid, i) => {
      const docs = { ...run[qid]! };
      if (i % 2 === 0) {
        const ids = Object.keys(docs);
        const best = ids.reduce((a, b) => (docs[b]! > docs[a]! ? b : a));
        docs[best] = Math.min(...Object.values(docs)) - 1;
      }
      out[qid] = docs;
    });
  return out;
}

/**
 * The columns of a comparison row, in order, as the compare contract (and `kalelab compare
 * --json`) promises them; written out here rather than read from src, so a change fails.
 */
export const COMPARISON_COLUMNS: readonly string[] = Object.freeze([
  'system',
  'metric',
  'mean',
  'delta',
  'ci95',
  'pValue',
  'pAdjusted',
  'significant',
  'wins',
  'ties',
  'losses',
]);

export async function loadRuns(): Promise<{ qrels: Qrels; runs: Record<string, Run> }> {
  const [qrels, oracle] = await Promise.all([readTrecQrels(QRELS), readRun(RUN)]);
  const demoted = demoteTop(oracle);
  return { qrels, runs: { oracle, demoted, fused: reciprocalRankFusion([oracle, demoted]) } };
}
