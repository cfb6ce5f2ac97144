/**
 * One query's ranking with its judgements attached: what every measure reads. Built once
 * per query from qrels and run, then handed to the pure measures in measures.ts.
 *
 * Relevance follows trec_eval: a document is relevant when its qrels grade is ≥ 1;
 * unjudged retrieved documents count as grade 0 (non-relevant).
 */
import { trecEvalOrder } from './ranking.js';

export interface JudgedRanking {
  /** Grade of the document at each rank, in trec_eval order (0 for unjudged). */
  readonly grades: readonly number[];
  /** Number of documents with grade ≥ 1 in the qrels (retrieved or not). */
  readonly numRelevant: number;
  /** Positive qrels grades sorted descending: the ideal ranking's gains for nDCG. */
  readonly idealGains: readonly number[];
}

/** The smallest grade that counts as relevant (trec_eval's default `-l 1`). */
export const RELEVANT_GRADE = 1;

/**
 * Judges one query. `judgements` is the query's qrels (doc id → grade; empty when the
 * query has none); `docScores` its run entry (empty when the run lacks the query).
 */
export function judgeRanking(
  judgements: Readonly<Record<string, number>>,
  docScores: Readonly<Record<string, number>>,
): JudgedRanking {
  const order = trecEvalOrder(docScores);
  // hasOwn: a run document named like an Object.prototype member is not judged by it.
  const grades = order.map((id) => (Object.hasOwn(judgements, id) ? judgements[id]! : 0));
  const all = Object.values(judgements);
  const numRelevant = all.filter((g) => g >= RELEVANT_GRADE).length;
  const idealGains = all.filter((g) => g > 0).sort((a, b) => b - a);
  return { grades, numRelevant, idealGains };
}
