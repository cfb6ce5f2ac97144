/**
 * Properties of src/text/tokenizer.ts on any JavaScript string: arbitrary UTF-16 code units
 * (lone surrogates and NUL included), all of Unicode, and long strings and one huge one. The tokenizer never
 * throws on text; every id is in the vocabulary; [CLS] … [SEP] frame every sequence;
 * truncation keeps exactly the first pieces and respects maxLength; the chunk cache changes
 * nothing; a batch row equals the single encoding.
 */
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { WordPieceTokenizer } from '../../src/text/index.js';
import { check } from './check.js';

const VOCAB = fileURLToPath(new URL('../fixtures/model/tiny/vocab.txt', import.meta.url));

/** Any UTF-16 code unit: lone surrogates, NUL and every control character included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** Words the vocabulary knows, so that texts also produce pieces other than [UNK]. */
const word = fc.constantFrom(
  'the',
  'city',
  'water',
  'capital',
  'populat',
  'new',
  'é',
  '日本',
  'x1',
);
const piece = fc.oneof(
  codeUnit,
  fc.string({ unit: 'binary', maxLength: 4 }),
  word,
  fc.constantFrom(
    ' ',
    '\t',
    '\n',
    '\u00a0',
    '\u3000',
    '\u0000',
    '\ud800',
    '\udfff',
    '[CLS]',
    '##a',
  ),
);
const anyText = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
const maxLength = fc.integer({ min: 2, max: 40 });

describe('WordPieceTokenizer on any string', () => {
  let tok: WordPieceTokenizer;
  let uncached: WordPieceTokenizer;
  beforeAll(async () => {
    tok = await WordPieceTokenizer.fromVocabFile(VOCAB);
    uncached = await WordPieceTokenizer.fromVocabFile(VOCAB, { cacheSize: 0 });
  });
  const inVocab = (id: number): boolean => Number.isInteger(id) && id >= 0 && id < tok.vocabSize;

  it('never throws; ids are in the vocabulary; [CLS] first, [SEP] last; at most maxLength', async (context) => {
    await check(
      context,
      fc.property(anyText, maxLength, (text, max) => {
        const e = tok.encode(text, { maxLength: max });
        expect(e.inputIds.every(inVocab)).toBe(true);
        expect(e.inputIds.length).toBeLessThanOrEqual(max);
        expect(e.inputIds[0]).toBe(tok.clsId);
        expect(e.inputIds.at(-1)).toBe(tok.sepId);
        expect(e.attentionMask.every((m) => m === 1)).toBe(true);
        expect(e.tokenTypeIds.every((t) => t === 0)).toBe(true);
        expect(tok.tokenize(text).every((t) => tok.tokenToId(t) !== undefined)).toBe(true);
      }),
      500,
    );
  });

  it('truncation keeps exactly the first pieces: encode(maxLength) = [CLS] + first maxLength − 2 + [SEP]', async (context) => {
    await check(
      context,
      fc.property(anyText, maxLength, (text, max) => {
        const all = tok.encodeIds(text);
        expect(tok.encodeIds(text, max)).toEqual(all.slice(0, max));
        expect(tok.encode(text, { maxLength: max }).inputIds).toEqual([
          tok.clsId,
          ...all.slice(0, max - 2),
          tok.sepId,
        ]);
      }),
      500,
    );
  });

  it('the chunk cache changes nothing: a cached tokenizer equals an uncached one, in any call order', async (context) => {
    await check(
      context,
      fc.property(fc.array(anyText, { maxLength: 6 }), (texts) => {
        for (const t of [...texts, ...texts.reverse()])
          expect(tok.encodeIds(t)).toEqual(uncached.encodeIds(t));
      }),
    );
  });

  it('pairs: never throw, ids in range, at most maxLength, types 0 through the first [SEP] then 1', async (context) => {
    await check(
      context,
      fc.property(anyText, anyText, fc.integer({ min: 3, max: 40 }), (a, b, max) => {
        const e = tok.encode(a, { pair: b, maxLength: max });
        expect(e.inputIds.every(inVocab)).toBe(true);
        expect(e.inputIds.length).toBeLessThanOrEqual(max);
        const firstSep = e.inputIds.indexOf(tok.sepId);
        expect(e.tokenTypeIds).toEqual(e.inputIds.map((_, i) => (i <= firstSep ? 0 : 1)));
        expect(e.inputIds.at(-1)).toBe(tok.sepId);
      }),
    );
  });

  it('a batch row equals the single encoding, padded with [PAD] and mask 0', async (context) => {
    await check(
      context,
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 5 }), maxLength, (texts, max) => {
        const batch = tok.encodeBatch(texts, { maxLength: max });
        texts.forEach((t, b) => {
          const single = tok.encode(t, { maxLength: max }).inputIds;
          const row = Array.from(batch.inputIds.subarray(b * batch.seqLen, (b + 1) * batch.seqLen));
          const mask = Array.from(
            batch.attentionMask.subarray(b * batch.seqLen, (b + 1) * batch.seqLen),
          );
          expect(row.slice(0, single.length)).toEqual(single);
          expect(row.slice(single.length).every((id) => id === tok.padId)).toBe(true);
          expect(mask).toEqual(row.map((_, i) => (i < single.length ? 1 : 0)));
          expect(batch.lengths[b]).toBe(single.length);
        });
      }),
    );
  });

  it('long strings (up to 128 K code units) tokenize without throwing, cut to maxLength quickly', async (context) => {
    const huge = fc
      .tuple(
        fc.array(piece, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 2_000, max: 32_000 }),
      )
      .map(([parts, times]) => parts.join('').repeat(times).slice(0, 128_000));
    await check(
      context,
      fc.property(huge, (text) => {
        const e = tok.encode(text, { maxLength: 32 });
        expect(e.inputIds.length).toBeLessThanOrEqual(32);
        expect(e.inputIds.every(inVocab)).toBe(true);
      }),
    );
  });

  it('one huge word-free string (8 M code units of one letter) is one [UNK], not a crash', () => {
    const text = 'a'.repeat(8_000_000);
    expect(tok.encodeIds(text)).toEqual([tok.unkId]);
  });
});
