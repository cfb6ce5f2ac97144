import { describe, expect, it } from 'vitest';
import { CharClass, classify, isCjk, isSpaceUnit } from '../../src/text/chars.js';

describe('BERT character classes', () => {
  it('whitespace is space, \\t \\n \\r, every Zs, U+2028 and U+2029 — and nothing else', () => {
    for (let cp = 0; cp < 0x10000; cp++) {
      const expected =
        cp === 9 ||
        cp === 10 ||
        cp === 13 ||
        cp === 0x2028 ||
        cp === 0x2029 ||
        /\p{Zs}/u.test(String.fromCharCode(cp));
      if (isSpaceUnit(cp) !== expected)
        expect.fail(`U+${cp.toString(16)}: isSpaceUnit ${isSpaceUnit(cp)}`);
      if ((classify(cp) === CharClass.Space) !== expected)
        expect.fail(`U+${cp.toString(16)}: classify`);
    }
  });

  it('drops NUL, U+FFFD, Cc and Cf but keeps tabs and newlines as whitespace', () => {
    for (const cp of [0, 7, 0x7f, 0x85, 0xad, 0x200b, 0xfeff, 0xfffd, 0xe0001])
      expect(classify(cp)).toBe(CharClass.Drop);
    for (const cp of [9, 10, 13]) expect(classify(cp)).toBe(CharClass.Space);
  });

  it('punctuation is the ASCII symbol ranges plus Unicode P*, not S*', () => {
    for (const ch of '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~¿—…«»、。「') {
      expect(classify(ch.codePointAt(0)!), ch).toBe(CharClass.Punct);
    }
    for (const ch of '€£©°±a0é😀中')
      expect(classify(ch.codePointAt(0)!), ch).not.toBe(CharClass.Punct);
  });

  it('CJK is the ideograph blocks of BERT, not kana or hangul', () => {
    for (const ch of '中国東京㐀豈𠀀𪜀') expect(isCjk(ch.codePointAt(0)!), ch).toBe(true);
    for (const ch of 'かカ한a') expect(isCjk(ch.codePointAt(0)!), ch).toBe(false);
    expect(classify('中'.codePointAt(0)!)).toBe(CharClass.Cjk);
  });
});
