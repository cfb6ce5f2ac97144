/**
 * Text → index terms for BM25, after Elasticsearch's `english` analyzer (what BEIR's BM25
 * baseline runs): a word tokenizer close to Lucene's StandardTokenizer (Unicode UAX #29
 * word boundaries), the English possessive filter (drops a trailing 's), lowercasing,
 * Lucene's 33 English stopwords, then the Porter stemmer.
 *
 * The tokenizer is an approximation of UAX #29 that covers Latin-script text: words are
 * runs of letters, marks, digits and underscores; "." and "'" (and "’") join two letter
 * runs (U.S.A, don't), "." "," ";" "'" join two digit runs (3.5, 1,000), ":" "·" join
 * letters. It does not split CJK ideographs one by one as Lucene does.
 */
import { porterStem } from './porter.js';

/** Lucene `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET` = Elasticsearch `_english_`. */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
]);

export interface AnalyzerOptions {
  /** Remove Lucene's English stopwords (default true). */
  readonly stopwords?: boolean;
  /** Porter-stem every term (default true). */
  readonly stem?: boolean;
}

export const DEFAULT_ANALYZER_OPTIONS: Readonly<Required<AnalyzerOptions>> = Object.freeze({
  stopwords: true,
  stem: true,
});

const PIECE = /[\p{L}\p{M}\p{N}_]+|[.,;:'’·]/gu;
const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{N}/u;

function joins(joiner: string, before: string, after: string): boolean {
  const letters = LETTER.test(before) && LETTER.test(after);
  const digits = DIGIT.test(before) && DIGIT.test(after);
  switch (joiner) {
    case '.':
    case "'":
    case '’':
      return letters || digits; // MidNumLet
    case ':':
    case '·':
      return letters; // MidLetter
    default:
      return digits; // , ; MidNum
  }
}

/** Splits text into words (original case), approximating Lucene's StandardTokenizer. */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let currentEnd = -1;
  let pendingJoiner = '';
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const start = match.index;
    const isWord = piece.length > 1 || !/[.,;:'’·]/u.test(piece);
    if (!isWord) {
      // A joiner counts only directly after a word, with no joiner pending.
      pendingJoiner = current !== '' && start === currentEnd && pendingJoiner === '' ? piece : '';
      if (pendingJoiner !== '') currentEnd = start + 1;
      else if (current !== '') {
        out.push(current);
        current = '';
      }
      continue;
    }
    if (
      current !== '' &&
      pendingJoiner !== '' &&
      start === currentEnd &&
      joins(pendingJoiner, current.slice(-1), piece[0]!)
    ) {
      current += pendingJoiner + piece;
    } else {
      if (current !== '') out.push(current);
      current = piece;
    }
    currentEnd = start + piece.length;
    pendingJoiner = '';
  }
  if (current !== '') out.push(current);
  return out;
}

/** Drops a trailing possessive 's (Lucene EnglishPossessiveFilter: ', ’ or ＇ before s/S). */
function dropPossessive(word: string): string {
  const n = word.length;
  if (n >= 2 && (word[n - 1] === 's' || word[n - 1] === 'S')) {
    const c = word[n - 2];
    if (c === "'" || c === '’' || c === '＇') return word.slice(0, n - 2);
  }
  return word;
}

/** Memo of Porter stems: corpora repeat words, and stemming is the costly step. */
const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 1 << 20;

function cachedStem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = porterStem(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Text → BM25 terms: tokenize, drop possessives, lowercase, drop stopwords, stem. */
export function analyze(text: string, options: AnalyzerOptions = {}): string[] {
  const { stopwords, stem } = { ...DEFAULT_ANALYZER_OPTIONS, ...options };
  const terms: string[] = [];
  for (const word of wordTokens(text)) {
    const lower = dropPossessive(word).toLowerCase();
    if (lower === '' || (stopwords && ENGLISH_STOPWORDS.has(lower))) continue;
    terms.push(stem ? cachedStem(lower) : lower);
  }
  return terms;
}
