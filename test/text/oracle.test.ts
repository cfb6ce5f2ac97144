import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { basicTokenize, WordPieceTokenizer } from '../../src/text/index.js';

// Copies of ../shared/oracle/tokenizer/tokenization_cases.json and ../shared/oracle/encoder/vocab.txt
// (ids cross-checked there against Google's tokenization.py and the HF Rust tokenizers library).
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/text/${name}`, import.meta.url), 'utf8');
const oracle = JSON.parse(fixture('tokenization_cases.json')) as {
  settings: { max_input_chars_per_word: number };
  cases: Array<{
    name: string;
    text: string;
    text_pair?: string;
    max_length?: number;
    basic_tokens: string[];
    basic_tokens_pair?: string[];
    tokens: string[];
    input_ids: number[];
    token_type_ids: number[];
    attention_mask: number[];
  }>;
};
const vocab = fixture('vocab.txt').split('\n').slice(0, -1);
const tokenizer = new WordPieceTokenizer(vocab);

describe('WordPiece tokenizer vs the BERT oracle', () => {
  it('reads the 400-token oracle vocabulary with BERT special ids', () => {
    expect(vocab.length).toBe(400);
    expect([
      tokenizer.padId,
      tokenizer.unkId,
      tokenizer.clsId,
      tokenizer.sepId,
      tokenizer.maskId,
    ]).toEqual([0, 1, 2, 3, 4]);
    expect(tokenizer.settings.maxCharsPerWord).toBe(oracle.settings.max_input_chars_per_word);
  });

  it('covers all 15 cases', () => {
    expect(oracle.cases).toHaveLength(15);
  });

  describe.each(oracle.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const encoded = tokenizer.encode(c.text, { pair: c.text_pair, maxLength: c.max_length });

    it('basic tokens', () => {
      expect(basicTokenize(c.text)).toEqual(c.basic_tokens);
      if (c.text_pair !== undefined)
        expect(basicTokenize(c.text_pair)).toEqual(c.basic_tokens_pair);
    });

    it('input ids, token types and attention mask', () => {
      expect(encoded.inputIds).toEqual(c.input_ids);
      expect(encoded.tokenTypeIds).toEqual(c.token_type_ids);
      expect(encoded.attentionMask).toEqual(c.attention_mask);
      expect(encoded.inputIds.map((id) => vocab[id])).toEqual(c.tokens);
    });

    it('tokenize() gives the same pieces without specials', () => {
      if (c.text_pair !== undefined || c.max_length !== undefined) return;
      expect(tokenizer.tokenize(c.text)).toEqual(c.tokens.slice(1, -1));
    });

    it('encodeBatch() row equals encode()', () => {
      if (c.text_pair !== undefined) return;
      const batch = tokenizer.encodeBatch([c.text], { maxLength: c.max_length });
      expect(Array.from(batch.inputIds)).toEqual(c.input_ids);
      expect(Array.from(batch.attentionMask)).toEqual(c.attention_mask);
      expect(Array.from(batch.tokenTypeIds)).toEqual(c.token_type_ids);
      expect(batch.lengths).toEqual([c.input_ids.length]);
    });
  });

  it('gives the same ids from a warm cache as from a cold one, and with the cache off', () => {
    const uncached = new WordPieceTokenizer(vocab, { cacheSize: 0 });
    const tiny = new WordPieceTokenizer(vocab, { cacheSize: 3 });
    for (let round = 0; round < 2; round++) {
      for (const c of oracle.cases) {
        if (c.text_pair !== undefined || c.max_length !== undefined) continue;
        expect(uncached.encode(c.text).inputIds).toEqual(c.input_ids);
        expect(tiny.encode(c.text).inputIds).toEqual(c.input_ids);
        expect(tokenizer.encode(c.text).inputIds).toEqual(c.input_ids);
      }
    }
  });
});
