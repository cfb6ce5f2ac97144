/**
 * Word counts and percentiles for dataset summaries. A "word" is a run of letters, digits
 * or apostrophes (Unicode-aware); punctuation is not counted. This is a tokenizer-free
 * length: WordPiece token counts are higher (sub-words, punctuation, [CLS]/[SEP]) and are
 * added to summaries when a caller passes a token counter.
 */
const WORD = /[\p{L}\p{N}'’]+/gu;

export function countWords(text: string): number {
  let n = 0;
  WORD.lastIndex = 0;
  while (WORD.exec(text) !== null) n++;
  return n;
}

export interface LengthStats {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile (the smallest value with at least p% of values ≤ it). */
function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Mean, min, nearest-rank p50/p90/p99 and max; all 0 for no values. */
export function lengthStats(values: ArrayLike<number>): LengthStats {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    mean: n > 0 ? sum / n : 0,
    min: n > 0 ? sorted[0]! : 0,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p99: nearestRank(sorted, 99),
    max: n > 0 ? sorted[n - 1]! : 0,
  };
}
