/**
 * WordPiece: one basic token → vocabulary ids, greedy longest-match-first from the left,
 * continuation pieces carrying the `##` prefix. If some position has no matching piece,
 * or the word has more than `maxCharsPerWord` code points, the whole word becomes [UNK]
 * (HF/BERT behaviour; the `long_words` oracle case pins the 100-character limit).
 *
 * Does not: normalize or split text (basic.ts), add special tokens (tokenizer.ts).
 */

export const CONTINUATION_PREFIX = '##';

export class WordPieceModel {
  /** Token → id. With duplicate lines in a vocab file the last id wins, as in HF's loader. */
  readonly ids: ReadonlyMap<string, number>;
  readonly unkId: number;
  readonly maxCharsPerWord: number;
  /** Longest piece in UTF-16 units (without `##`): no match can be longer, so search starts there. */
  private readonly maxPieceUnits: number;

  constructor(vocab: readonly string[], unkToken: string, maxCharsPerWord: number) {
    const ids = new Map<string, number>();
    let maxPieceUnits = 1;
    vocab.forEach((token, id) => {
      ids.set(token, id);
      const units = token.startsWith(CONTINUATION_PREFIX) ? token.length - 2 : token.length;
      if (units > maxPieceUnits) maxPieceUnits = units;
    });
    const unkId = ids.get(unkToken);
    if (unkId === undefined) {
      throw new Error(
        `WordPieceModel: the vocabulary has no unknown token ${JSON.stringify(unkToken)}`,
      );
    }
    this.ids = ids;
    this.unkId = unkId;
    this.maxCharsPerWord = maxCharsPerWord;
    this.maxPieceUnits = maxPieceUnits;
  }

  /** Appends the ids of `word` (a basic token: no whitespace, punctuation on its own) to `out`. */
  encodeWord(word: string, out: number[]): void {
    const n = word.length;
    if (n > this.maxCharsPerWord && countCodePoints(word) > this.maxCharsPerWord) {
      out.push(this.unkId);
      return;
    }
    const first = out.length;
    let start = 0;
    while (start < n) {
      let end = Math.min(n, start + this.maxPieceUnits);
      let found = -1;
      while (end > start) {
        // Never cut between the two halves of a surrogate pair (BERT matches code points).
        if (
          end < n &&
          isLowSurrogate(word.charCodeAt(end)) &&
          isHighSurrogate(word.charCodeAt(end - 1))
        ) {
          end--;
          continue;
        }
        const piece =
          start === 0 ? word.slice(0, end) : CONTINUATION_PREFIX + word.slice(start, end);
        const id = this.ids.get(piece);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) {
        out.length = first;
        out.push(this.unkId);
        return;
      }
      out.push(found);
      start = end;
    }
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Number of code points (what BERT calls characters) in `s`. */
export function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (!(isLowSurrogate(s.charCodeAt(i)) && i > 0 && isHighSurrogate(s.charCodeAt(i - 1)))) n++;
  }
  return n;
}
