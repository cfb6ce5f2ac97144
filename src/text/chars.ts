/**
 * Character classes of BERT's BasicTokenizer, on Unicode code points: whitespace,
 * control characters to drop, punctuation to split off, and CJK ideographs to space out.
 * The definitions follow google-research/bert `tokenization.py` (see
 * ../shared/oracle/README.md "Tokenizer"). This file only classifies; it does not split.
 */

/** What the basic tokenizer does with a code point (plain numbers, so the table is a Uint8Array). */
export const CharClass = {
  /** Kept as part of a word. */
  Other: 0,
  /** Separates words: space, \t, \n, \r, Unicode Zs, and U+2028/U+2029 (Python's split()). */
  Space: 1,
  /** Dropped: U+0000, U+FFFD and categories Cc/Cf (a zero-width space joins its neighbours). */
  Drop: 2,
  /** Its own token: ASCII 33–47, 58–64, 91–96, 123–126, or any Unicode P*. */
  Punct: 3,
  /** Its own token: a CJK Unified Ideograph (the ranges of BERT's `_is_chinese_char`). */
  Cjk: 4,
} as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

const PUNCT = /^\p{P}$/u;
const CONTROL = /^[\p{Cc}\p{Cf}]$/u;
const SPACE = /^\p{Zs}$/u;

/** BERT's `_is_chinese_char`: CJK Unified Ideographs and their extensions/compatibility blocks. */
export function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * Whitespace test on one UTF-16 code unit, for the hot loop that cuts text into chunks.
 * Every whitespace character is in the BMP, so a code unit is enough.
 */
export function isSpaceUnit(c: number): boolean {
  if (c < 0x80) return c === 32 || c === 9 || c === 10 || c === 13;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isAsciiPunct(cp: number): boolean {
  return (
    (cp >= 33 && cp <= 47) ||
    (cp >= 58 && cp <= 64) ||
    (cp >= 91 && cp <= 96) ||
    (cp >= 123 && cp <= 126)
  );
}

function classifySlow(cp: number): CharClass {
  if (cp === 9 || cp === 10 || cp === 13 || cp === 0x2028 || cp === 0x2029) return CharClass.Space;
  if (cp === 0 || cp === 0xfffd) return CharClass.Drop;
  const ch = String.fromCodePoint(cp);
  if (SPACE.test(ch)) return CharClass.Space;
  if (CONTROL.test(ch)) return CharClass.Drop;
  if (isAsciiPunct(cp) || PUNCT.test(ch)) return CharClass.Punct;
  if (isCjk(cp)) return CharClass.Cjk;
  return CharClass.Other;
}

/** Classes of the first 0x3000 code points (Latin, Greek, Cyrillic, ..., general punctuation). */
const TABLE_SIZE = 0x3000;
let table: Uint8Array | undefined;

function buildTable(): Uint8Array {
  const t = new Uint8Array(TABLE_SIZE);
  for (let cp = 0; cp < TABLE_SIZE; cp++) {
    // Lone surrogates have no class of their own; none are below 0x3000 anyway.
    t[cp] = classifySlow(cp);
  }
  return t;
}

/** The class of code point `cp` (table lookup below U+3000, regular expressions above). */
export function classify(cp: number): CharClass {
  if (cp < TABLE_SIZE) {
    table ??= buildTable();
    return table[cp] as CharClass;
  }
  return classifySlow(cp);
}
