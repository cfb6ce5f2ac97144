/**
 * A WordPiece vocabulary from a corpus, for models trained from scratch (the embedded
 * WordNet data). Deterministic: the same texts give the same list, whatever their order
 * of equal-frequency words, because every tie is broken by string order (UTF-16 units).
 *
 * The heuristic, in the order of the returned list:
 *  1. the specials [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4;
 *  2. every character seen in a basic token, by frequency, then the same characters as
 *     `##c` — so every word of the corpus (up to 100 characters) tokenizes without [UNK];
 *  3. whole words (2+ characters) seen at least `minFrequency` times, most frequent first,
 *     up to `wordShare` of the room left;
 *  4. `##` suffix pieces of the words left out in 3: every suffix of 2+ characters that
 *     leaves at least one character in front, scored by the summed frequency of the words
 *     that end with it, kept when the score is at least `minFrequency`, best first;
 *  5. if room remains, the rest of the whole words from 3, until `size`.
 * Whole words also serve as word-initial pieces of longer words (greedy longest match).
 * The list can be shorter than `size` when the corpus has fewer candidates. If `size` is
 * too small for all characters, the rarest characters are left out (they become [UNK]).
 *
 * Does not: run WordPiece's likelihood-based merges (HF's trainer); this is a frequency rule.
 */
import {
  basicTokenizeChunk,
  DEFAULT_BASIC_OPTIONS,
  forEachChunk,
  type BasicOptions,
} from './basic.js';
import { CONTINUATION_PREFIX } from './wordpiece.js';
import { SPECIAL_TOKENS } from './types.js';

export interface BuildVocabOptions {
  /** Most tokens in the vocabulary, specials included. Default 8192. */
  readonly size?: number;
  /** Fewest occurrences for a whole word or a suffix piece to be a candidate. Default 2. */
  readonly minFrequency?: number;
  /** Share of the room after characters that goes to whole words first. Default 0.7. */
  readonly wordShare?: number;
  /** Longest suffix piece, in characters (code points). Default 12. */
  readonly maxSuffixLength?: number;
  /** Basic tokenization; default uncased BERT (lowercase, strip accents, split CJK). */
  readonly basic?: BasicOptions;
}

export const DEFAULT_BUILD_VOCAB_OPTIONS = Object.freeze({
  size: 8192,
  minFrequency: 2,
  wordShare: 0.7,
  maxSuffixLength: 12,
  basic: DEFAULT_BASIC_OPTIONS,
});

/** Count descending, then token ascending in UTF-16 order. */
function byCountThenString(a: [string, number], b: [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

function checkOption(name: string, value: number, ok: boolean): void {
  if (!ok || !Number.isFinite(value))
    throw new Error(`buildVocab: ${name} is out of range: ${value}`);
}

export function buildVocab(texts: Iterable<string>, options: BuildVocabOptions = {}): string[] {
  const o = { ...DEFAULT_BUILD_VOCAB_OPTIONS, ...options };
  const specials = [
    SPECIAL_TOKENS.pad,
    SPECIAL_TOKENS.unk,
    SPECIAL_TOKENS.cls,
    SPECIAL_TOKENS.sep,
    SPECIAL_TOKENS.mask,
  ];
  checkOption('size', o.size, Number.isInteger(o.size) && o.size >= specials.length);
  checkOption('minFrequency', o.minFrequency, o.minFrequency >= 1);
  checkOption('wordShare', o.wordShare, o.wordShare >= 0 && o.wordShare <= 1);
  checkOption(
    'maxSuffixLength',
    o.maxSuffixLength,
    Number.isInteger(o.maxSuffixLength) && o.maxSuffixLength >= 2,
  );

  // Word frequencies after BERT basic tokenization.
  const wordCounts = new Map<string, number>();
  const words: string[] = [];
  let index = 0;
  for (const text of texts) {
    if (typeof text !== 'string')
      throw new Error(`buildVocab: text ${index} is not a string: ${JSON.stringify(text)}`);
    index++;
    forEachChunk(text, (start, end) => {
      words.length = 0;
      basicTokenizeChunk(text.slice(start, end), o.basic, words);
      for (const w of words) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    });
  }

  const vocab: string[] = [...specials];
  const taken = new Set<string>(specials);
  const add = (token: string): boolean => {
    if (vocab.length >= o.size || taken.has(token)) return false;
    vocab.push(token);
    taken.add(token);
    return true;
  };

  // 2. Characters, then their ## forms (only as many characters as both forms fit).
  const charCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    for (const ch of word) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
  }
  const chars = [...charCounts].sort(byCountThenString).map(([ch]) => ch);
  const charRoom = Math.floor((o.size - vocab.length) / 2);
  const keptChars = chars.slice(0, charRoom);
  for (const ch of keptChars) add(ch);
  for (const ch of keptChars) add(CONTINUATION_PREFIX + ch);

  // 3. Whole words by frequency.
  const wordCandidates = [...wordCounts]
    .filter(([word, count]) => count >= o.minFrequency && [...word].length >= 2)
    .sort(byCountThenString);
  const room = o.size - vocab.length;
  const firstWords = Math.min(wordCandidates.length, Math.floor(room * o.wordShare));
  for (let i = 0; i < firstWords; i++) add(wordCandidates[i]![0]);

  // 4. Suffix pieces of the words not taken whole.
  const suffixCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    if (taken.has(word)) continue;
    const cps = [...word];
    for (
      let start = Math.max(1, cps.length - o.maxSuffixLength);
      start <= cps.length - 2;
      start++
    ) {
      const piece = CONTINUATION_PREFIX + cps.slice(start).join('');
      suffixCounts.set(piece, (suffixCounts.get(piece) ?? 0) + count);
    }
  }
  const suffixes = [...suffixCounts]
    .filter(([, count]) => count >= o.minFrequency)
    .sort(byCountThenString);
  for (const [piece] of suffixes) {
    if (vocab.length >= o.size) break;
    add(piece);
  }
  // 5. Room left (too few suffixes): the remaining words.
  for (let i = firstWords; i < wordCandidates.length && vocab.length < o.size; i++)
    add(wordCandidates[i]![0]);
  return vocab;
}
