import { describe, expect, it } from 'vitest';
import { basicTokenize, WordPieceTokenizer } from '../../src/text/index.js';

// A hand-made vocabulary, so that every expected id below can be read off this list.
const VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', // 0-4
  'the', 'cat', 'sat', 'on', 'mat', // 5-9
  'un', '##aff', '##able', 'a', 'b', // 10-14
  '##a', '##b', '.', ',', '[', // 15-19
  ']', 'cls', '😀', '##😀', '𠀀', // 20-24 (U+1F600, U+20000: astral)
  'x', 'y', 'σ', 'ς', // 25-28
]; // prettier-ignore
const tokenizer = new WordPieceTokenizer(VOCAB);
const ids = (text: string): number[] => tokenizer.encodeIds(text);

describe('WordPieceTokenizer.encodeBatch', () => {
  it('pads to the longest row with [PAD]=0, mask 0 and type 0', () => {
    const batch = tokenizer.encodeBatch(['the cat sat.', 'a', '']);
    expect(batch.batchSize).toBe(3);
    expect(batch.seqLen).toBe(6);
    expect(batch.lengths).toEqual([6, 3, 2]);
    expect(Array.from(batch.inputIds)).toEqual([
      2, 5, 6, 7, 17, 3, 2, 13, 3, 0, 0, 0, 2, 3, 0, 0, 0, 0,
    ]);
    expect(Array.from(batch.attentionMask)).toEqual([
      1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0,
    ]);
    expect(Array.from(batch.tokenTypeIds)).toEqual(new Array(18).fill(0));
    expect(batch.inputIds).toBeInstanceOf(Int32Array);
  });

  it('pads or cuts every row to a fixed padTo', () => {
    const batch = tokenizer.encodeBatch(['the cat sat on the mat', 'cat'], { padTo: 5 });
    expect(batch.seqLen).toBe(5);
    expect(batch.lengths).toEqual([5, 3]);
    expect(Array.from(batch.inputIds)).toEqual([2, 5, 6, 7, 3, 2, 6, 3, 0, 0]);
    expect(Array.from(batch.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('cuts word pieces from the right to maxLength, keeping [SEP] last', () => {
    const batch = tokenizer.encodeBatch(['unaffable cat', 'b'], { maxLength: 4 });
    expect(batch.seqLen).toBe(4);
    expect(Array.from(batch.inputIds)).toEqual([2, 10, 11, 3, 2, 14, 3, 0]);
    // Stopping early at the limit gives the same as tokenizing everything and cutting.
    const text = 'the cat sat on the mat , unaffable a.b the cat';
    const all = ids(text);
    for (let maxLength = 2; maxLength <= all.length + 3; maxLength++) {
      const row = tokenizer.encodeBatch([text], { maxLength });
      expect(Array.from(row.inputIds)).toEqual([2, ...all.slice(0, maxLength - 2), 3]);
    }
  });

  it('handles an empty batch', () => {
    const empty = tokenizer.encodeBatch([]);
    expect([empty.batchSize, empty.seqLen, empty.inputIds.length, empty.lengths.length]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(tokenizer.encodeBatch([], { padTo: 4 }).seqLen).toBe(4);
  });

  it('refuses bad options and non-string texts, naming them', () => {
    expect(() => tokenizer.encodeBatch(['a'], { maxLength: 1 })).toThrow(
      /maxLength must be an integer >= 2, got 1/,
    );
    expect(() => tokenizer.encodeBatch(['a'], { padTo: 2.5 })).toThrow(
      /padTo must be an integer >= 2, got 2.5/,
    );
    expect(() => tokenizer.encodeBatch(['a', undefined as unknown as string])).toThrow(
      /texts\[1\] must be a string/,
    );
    expect(() => tokenizer.encode('a', { pair: 'b', maxLength: 2 })).toThrow(
      /maxLength must be an integer >= 3/,
    );
  });
});

describe('WordPieceTokenizer.encode', () => {
  it('encodes a pair with token types 0 through the first [SEP], then 1', () => {
    const e = tokenizer.encode('the cat', { pair: 'a mat' });
    expect(e.inputIds).toEqual([2, 5, 6, 3, 13, 9, 3]);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(e.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('truncates pairs longest-first (HF tokenizers rule)', () => {
    // 5 + 2 pieces, room for 4: only the longer is cut, to 4 - 2 = 2.
    expect(tokenizer.encode('the cat sat on mat', { pair: 'a b', maxLength: 7 }).inputIds).toEqual([
      2, 5, 6, 3, 13, 14, 3,
    ]);
    // 5 + 5 pieces, room for 5: both cut to 2 and 3 (the odd piece goes to the second on a tie).
    const tie = tokenizer.encode('the cat sat on mat', {
      pair: 'mat on sat cat the',
      maxLength: 8,
    });
    expect(tie.inputIds).toEqual([2, 5, 6, 3, 9, 8, 7, 3]);
    expect(tie.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('pads a single encoding only when padTo is a number', () => {
    expect(tokenizer.encode('cat').inputIds).toEqual([2, 6, 3]);
    const padded = tokenizer.encode('cat', { padTo: 5 });
    expect(padded).toEqual({
      inputIds: [2, 6, 3, 0, 0],
      tokenTypeIds: [0, 0, 0, 0, 0],
      attentionMask: [1, 1, 1, 0, 0],
    });
  });
});

describe('BERT text rules beyond the oracle cases', () => {
  it('splits at U+2028/U+2029 and Unicode spaces, drops a soft hyphen (Cf)', () => {
    expect(tokenizer.tokenize('x\u2028y\u2029a\u3000b\u202fcat')).toEqual([
      'x',
      'y',
      'a',
      'b',
      'cat',
    ]);
    expect(tokenizer.tokenize('un\u00adaffable')).toEqual(['un', '##aff', '##able']);
  });

  it('splits a literal [CLS] in the text like Google BERT (no special-token injection)', () => {
    expect(tokenizer.tokenize('[CLS]')).toEqual(['[', 'cls', ']']);
  });

  it('matches astral characters whole (never half a surrogate pair)', () => {
    expect(tokenizer.tokenize('a😀 😀😀')).toEqual(['a', '##😀', '😀', '##😀']);
    expect(tokenizer.tokenize('a𠀀b')).toEqual(['a', '𠀀', 'b']); // astral CJK ideograph gets spaces
    expect(tokenizer.tokenize('😀x')).toEqual(['[UNK]']); // no ##x piece: the whole word is [UNK]
  });

  it('counts code points for the 100-character limit', () => {
    expect(tokenizer.tokenize('😀'.repeat(100))).toEqual(['😀', ...new Array(99).fill('##😀')]);
    expect(tokenizer.tokenize('😀'.repeat(101))).toEqual(['[UNK]']);
    const strict = new WordPieceTokenizer(VOCAB, { maxCharsPerWord: 3 });
    expect(strict.tokenize('ab ababa')).toEqual(['a', '##b', '[UNK]']);
  });

  it('lowercases with the final-sigma rule, like Python str.lower()', () => {
    expect(basicTokenize('ΣΣ ΣΣ.')).toEqual(['σς', 'σς', '.']);
    expect(tokenizer.tokenize('ΣΣ Σ')).toEqual(['[UNK]', 'σ']); // no ##ς piece: the whole word is [UNK]
  });

  it('keeps case and accents when built cased', () => {
    const cased = new WordPieceTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'Café', 'cafe'], {
      lowercase: false,
    });
    expect(cased.settings).toMatchObject({ lowercase: false, stripAccents: false });
    expect(cased.tokenize('Café café')).toEqual(['Café', '[UNK]']);
    const stripOnly = new WordPieceTokenizer(cased.vocab, { lowercase: false, stripAccents: true });
    expect(stripOnly.tokenize('CAFÉ café')).toEqual(['[UNK]', 'cafe']);
  });

  it('refuses a vocabulary without the BERT specials', () => {
    expect(() => new WordPieceTokenizer(['[PAD]', '[UNK]', '[SEP]'])).toThrow(/no \[CLS\] token/);
    expect(() => new WordPieceTokenizer(['[PAD]', '[CLS]', '[SEP]'])).toThrow(
      /unknown token "\[UNK\]"/,
    );
    expect(() => new WordPieceTokenizer([])).toThrow(/non-empty/);
  });
});
