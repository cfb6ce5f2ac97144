/**
 * BERT's BasicTokenizer: raw text → "basic tokens" (words and single punctuation marks),
 * before WordPiece. In order: drop control characters, put CJK ideographs on their own,
 * split on whitespace, lowercase, NFD and drop Mn marks, split off punctuation. These are
 * the rules of google-research/bert `tokenization.py` and HF `BertTokenizer`; see
 * ../shared/oracle/README.md "Tokenizer".
 *
 * Does not: look up a vocabulary (wordpiece.ts), or treat a literal "[CLS]" in the text as a
 * special token (HF's fast tokenizer does; Google's code and this one split it into `[`,
 * `cls`, `]`, so user text can never inject special tokens).
 */
import { CharClass, classify, isSpaceUnit } from './chars.js';

export interface BasicOptions {
  /** Lowercase every word (uncased BERT). */
  readonly lowercase: boolean;
  /** NFD-decompose and drop nonspacing marks (Mn): `café` → `cafe`. BERT ties it to `lowercase`. */
  readonly stripAccents: boolean;
  /** Put spaces around CJK ideographs, so each is its own word. */
  readonly tokenizeCjk: boolean;
}

export const DEFAULT_BASIC_OPTIONS: BasicOptions = Object.freeze({
  lowercase: true,
  stripAccents: true,
  tokenizeCjk: true,
});

const MARK_NONSPACING = /\p{Mn}/gu;

/** Lowercase / strip accents of one word (no whitespace, no CJK), then split off punctuation. */
function pushWord(word: string, ascii: boolean, options: BasicOptions, out: string[]): void {
  if (word.length === 0) return;
  if (options.lowercase) word = word.toLowerCase();
  if (options.stripAccents && !ascii) word = word.normalize('NFD').replace(MARK_NONSPACING, '');
  let start = 0;
  let i = 0;
  while (i < word.length) {
    const cp = word.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (classify(cp) === CharClass.Punct) {
      if (i > start) out.push(word.slice(start, i));
      out.push(word.slice(i, i + width));
      start = i + width;
    }
    i += width;
  }
  if (start < word.length) out.push(start === 0 ? word : word.slice(start));
}

/**
 * Appends the basic tokens of `chunk`, a piece of raw text that contains no whitespace
 * (see `forEachChunk`). The result depends on the chunk alone, which is what lets the
 * tokenizer cache chunks.
 */
export function basicTokenizeChunk(chunk: string, options: BasicOptions, out: string[]): void {
  let word = '';
  let wordStart = 0; // start of the current clean run inside `chunk`
  let ascii = true;
  let clean = true; // `word` equals chunk.slice(wordStart, i): nothing was dropped
  let i = 0;
  const flush = (end: number): void => {
    pushWord(clean ? chunk.slice(wordStart, end) : word, ascii, options, out);
    word = '';
    ascii = true;
    clean = true;
  };
  while (i < chunk.length) {
    const cp = chunk.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const cls = cp < 0x80 && cp > 32 && cp !== 127 ? CharClass.Other : classify(cp);
    if (cls === CharClass.Drop || cls === CharClass.Space) {
      // Space cannot occur inside a chunk from forEachChunk; treat it as a drop if it does.
      if (clean) word = chunk.slice(wordStart, i);
      clean = false;
    } else if (cls === CharClass.Cjk && options.tokenizeCjk) {
      flush(i);
      out.push(chunk.slice(i, i + width));
      wordStart = i + width;
    } else {
      if (cp >= 0x80) ascii = false;
      if (!clean) word += chunk.slice(i, i + width);
    }
    i += width;
  }
  flush(chunk.length);
}

/**
 * Calls `fn(start, end)` for each maximal run of non-whitespace UTF-16 units of `text`.
 * Whitespace here is what BERT splits on (see chars.ts).
 */
export function forEachChunk(text: string, fn: (start: number, end: number) => void): void {
  let start = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (isSpaceUnit(text.charCodeAt(i))) {
      if (start >= 0) {
        fn(start, i);
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) fn(start, n);
}

/** The basic tokens of `text` (the oracle's `basic_tokens`). */
export function basicTokenize(
  text: string,
  options: BasicOptions = DEFAULT_BASIC_OPTIONS,
): string[] {
  const out: string[] = [];
  forEachChunk(text, (start, end) => basicTokenizeChunk(text.slice(start, end), options, out));
  return out;
}
