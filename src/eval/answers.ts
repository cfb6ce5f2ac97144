/**
 * DPR top-k answer accuracy for DPR-format data (questions with answer strings): a query
 * counts as a hit at k when one of its top-k passages contains one of its answers. This is
 * the retriever evaluation of DPR (`dpr/data/qa_validation.py`, `has_answer` with
 * match_type "string") as pyserini's `evaluate_dpr_retrieval` runs it.
 *
 * Matching ('dpr' mode, the default and the reference): text and answers are Unicode
 * NFD-normalised, split by DPR's SimpleTokenizer (runs of letters/digits/marks, or any
 * single other non-space character), lowercased; a passage has the answer when the
 * answer's token sequence occurs contiguously in the passage's tokens. 'squad' mode
 * instead normalises both as SQuAD's `normalize_answer` (lowercase, drop ASCII
 * punctuation, drop the articles a/an/the, collapse whitespace) and then matches token
 * sequences the same way; it is looser and given for comparison only.
 *
 * For qrels-based accuracy (a relevant document in the top k) use `accuracy@K` in
 * metrics.ts. This file does not rank by anything but the run's scores.
 */
import { emptyRecord } from '../data/records.js';
import type { Corpus, Queries, Run } from '../data/types.js';
import { trecEvalOrder } from './ranking.js';

export type AnswerMatchMode = 'dpr' | 'squad';

export interface AnswerAccuracyOptions {
  /** Normalisation before matching (default 'dpr', DPR's own). */
  readonly mode?: AnswerMatchMode;
  /**
   * Also search the passage title (default false: DPR's `has_answer` sees only the
   * passage text, the title is given to the encoder but not to the matcher).
   */
  readonly includeTitle?: boolean;
}

export const DEFAULT_ANSWER_OPTIONS: Readonly<Required<AnswerAccuracyOptions>> = Object.freeze({
  mode: 'dpr',
  includeTitle: false,
});

// DPR SimpleTokenizer: ALPHA_NUM = [\p{L}\p{N}\p{M}]+, NON_WS = [^\p{Z}\p{C}].
const DPR_TOKEN = /[\p{L}\p{N}\p{M}]+|[^\p{Z}\p{C}]/gu;
// Python's string.punctuation.
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** DPR's tokens of a text: NFD, SimpleTokenizer, lowercased. */
export function dprTokens(text: string): string[] {
  return (text.normalize('NFD').match(DPR_TOKEN) ?? []).map((t) => t.toLowerCase());
}

/** SQuAD `normalize_answer` tokens: lowercase, no punctuation, no articles, split on whitespace. */
export function squadTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(ASCII_PUNCTUATION, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter((t) => t !== '');
}

function tokensFor(mode: AnswerMatchMode): (text: string) => string[] {
  return mode === 'dpr' ? dprTokens : squadTokens;
}

/** Whether `needle` occurs as a contiguous run of `haystack`. An empty needle never matches. */
function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** DPR `has_answer`: does `text` contain one of `answers` (token-level, after normalisation)? */
export function hasAnswer(
  answers: readonly string[],
  text: string,
  mode: AnswerMatchMode = 'dpr',
): boolean {
  const tokenize = tokensFor(mode);
  const tokens = tokenize(text);
  return answers.some((a) => containsSequence(tokens, tokenize(a)));
}

export interface AnswerAccuracy {
  /** "accuracy@K" → share of answerable queries with an answer in their top K. */
  readonly aggregate: Record<string, number>;
  /** query id → "accuracy@K" → 0 or 1. */
  readonly perQuery: Record<string, Record<string, number>>;
  /** Queries averaged: those with ≥ 1 non-empty answer string. */
  readonly numQueries: number;
  /** Queries left out because they carry no answers. */
  readonly skippedWithoutAnswers: number;
}

/**
 * DPR top-k answer accuracy of `run` for each k in `ks`. Denominator: every query of
 * `queries` with at least one answer (queries missing from the run are misses); queries
 * without answers are counted in `skippedWithoutAnswers`, not averaged. The run is ranked
 * in trec_eval order; a retrieved id missing from `corpus` is an error.
 */
export function answerAccuracy(
  queries: Queries,
  run: Run,
  corpus: Corpus,
  ks: readonly number[],
  options: AnswerAccuracyOptions = {},
): AnswerAccuracy {
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1)
      throw new Error(`answerAccuracy: k must be a positive integer, got ${k}`);
  }
  if (ks.length === 0) throw new Error('answerAccuracy: give at least one k');
  const { mode, includeTitle } = { ...DEFAULT_ANSWER_OPTIONS, ...options };
  const tokenize = tokensFor(mode);
  const maxK = Math.max(...ks);
  const docTokens = new Map<string, string[]>();
  const tokensOf = (id: string): string[] => {
    let t = docTokens.get(id);
    if (!t) {
      const doc = Object.hasOwn(corpus, id) ? corpus[id] : undefined;
      if (!doc)
        throw new Error(
          `answerAccuracy: run retrieves document "${id}", which is not in the corpus`,
        );
      t = tokenize(includeTitle ? `${doc.title} ${doc.text}` : doc.text);
      docTokens.set(id, t);
    }
    return t;
  };

  const sums = new Map<number, number>(ks.map((k) => [k, 0]));
  const perQuery = emptyRecord<Record<string, number>>(); // no prototype: any query id is a key
  let numQueries = 0;
  let skipped = 0;
  for (const [qid, query] of Object.entries(queries)) {
    const answers = (query.answers ?? []).map(tokenize).filter((a) => a.length > 0);
    if (answers.length === 0) {
      skipped++;
      continue;
    }
    numQueries++;
    const ranked = Object.hasOwn(run, qid) ? trecEvalOrder(run[qid]!).slice(0, maxK) : [];
    const firstHit = ranked.findIndex((id) =>
      answers.some((a) => containsSequence(tokensOf(id), a)),
    );
    const row: Record<string, number> = {};
    for (const k of ks) {
      const hit = firstHit >= 0 && firstHit < k ? 1 : 0;
      row[`accuracy@${k}`] = hit;
      sums.set(k, sums.get(k)! + hit);
    }
    perQuery[qid] = row;
  }
  const aggregate: Record<string, number> = {};
  for (const k of ks) aggregate[`accuracy@${k}`] = numQueries === 0 ? 0 : sums.get(k)! / numQueries;
  return { aggregate, perQuery, numQueries, skippedWithoutAnswers: skipped };
}
