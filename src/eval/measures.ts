/**
 * Per-query retrieval measures as pure functions of a JudgedRanking, with trec_eval 9.x
 * semantics (checked against trec_eval 9.0.8 and 10.0 in test/eval). Which queries are
 * averaged is decided in metrics.ts, not here.
 *
 * Conventions shared by all: rank r is 1-based, in trec_eval order (score descending, ties
 * by doc id descending); "relevant" = grade ≥ 1; a cut-off k beyond the run's length just
 * sees the documents there are.
 */
import { RELEVANT_GRADE, type JudgedRanking } from './judged.js';

function isRelevant(grade: number): boolean {
  return grade >= RELEVANT_GRADE;
}

/** Relevant documents among the first k. */
function relevantInTop(j: JudgedRanking, k: number): number {
  let n = 0;
  const end = Math.min(k, j.grades.length);
  for (let i = 0; i < end; i++) if (isRelevant(j.grades[i]!)) n++;
  return n;
}

/** 1-based rank of the first relevant document, or 0 when none is retrieved. */
function firstRelevantRank(j: JudgedRanking): number {
  const i = j.grades.findIndex(isRelevant);
  return i < 0 ? 0 : i + 1;
}

/**
 * trec_eval `P_k`: relevant in the top k / k. Always divides by k, also when the run holds
 * fewer than k documents.
 */
export function precisionAt(j: JudgedRanking, k: number): number {
  return relevantInTop(j, k) / k;
}

/** trec_eval `recall_k`: relevant in the top k / relevant in the qrels; 0 when there are none. */
export function recallAt(j: JudgedRanking, k: number): number {
  return j.numRelevant === 0 ? 0 : relevantInTop(j, k) / j.numRelevant;
}

/**
 * trec_eval `map` (per query: average precision): the sum of precision@r over the ranks r
 * of relevant retrieved documents, divided by all relevant documents in the qrels
 * (unretrieved relevant documents contribute 0); 0 when there are none.
 */
export function averagePrecision(j: JudgedRanking): number {
  if (j.numRelevant === 0) return 0;
  let seen = 0;
  let sum = 0;
  j.grades.forEach((g, i) => {
    if (isRelevant(g)) {
      seen++;
      sum += seen / (i + 1);
    }
  });
  return sum / j.numRelevant;
}

/** trec_eval `recip_rank`: 1 / rank of the first relevant document, with NO cut-off; 0 if none. */
export function reciprocalRank(j: JudgedRanking): number {
  const r = firstRelevantRank(j);
  return r === 0 ? 0 : 1 / r;
}

/**
 * MS MARCO MRR@k for one query (ms_marco_eval.py): 1 / rank of the first relevant
 * document when that rank is ≤ k, else 0.
 */
export function reciprocalRankAt(j: JudgedRanking, k: number): number {
  const r = firstRelevantRank(j);
  return r === 0 || r > k ? 0 : 1 / r;
}

/** trec_eval `success_k` (= DPR top-k accuracy of one query): 1 if a relevant document is in the top k. */
export function successAt(j: JudgedRanking, k: number): number {
  return relevantInTop(j, k) > 0 ? 1 : 0;
}

/**
 * trec_eval `ndcg_cut_k`: DCG@k / IDCG@k with LINEAR gain (gain = grade, not 2^grade − 1;
 * grades ≤ 0 and unjudged documents gain 0) and discount log2(r + 1). The ideal DCG sorts
 * all positive qrels grades descending, unretrieved documents included, and cuts at k.
 * 0 when the ideal DCG is 0 (no positive grade).
 */
export function ndcgAt(j: JudgedRanking, k: number): number {
  let ideal = 0;
  const idealEnd = Math.min(k, j.idealGains.length);
  for (let i = 0; i < idealEnd; i++) ideal += j.idealGains[i]! / Math.log2(i + 2);
  if (ideal === 0) return 0;
  let dcg = 0;
  const end = Math.min(k, j.grades.length);
  for (let i = 0; i < end; i++) {
    const g = j.grades[i]!;
    if (g > 0) dcg += g / Math.log2(i + 2);
  }
  return dcg / ideal;
}
