import { describe, expect, it } from 'vitest';
import { basicTokenize, buildVocab, WordPieceTokenizer } from '../../src/text/index.js';
import { Random } from '../../src/util/index.js';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** A seeded corpus of made-up words with shared endings and a Zipf-like reuse of earlier words. */
function syntheticCorpus(seed: number, sentences: number): string[] {
  const rng = new Random(seed);
  const stems = ['walk', 'talk', 'jump', 'read', 'Café', 'naïve', 'x-ray', 'über', '中文', 'run'];
  const endings = ['', 'ing', 'ed', 's', 'ation', 'ness', '!'];
  const lexicon: string[] = [];
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const words: string[] = [];
    const n = 3 + rng.int(8);
    for (let w = 0; w < n; w++) {
      if (lexicon.length > 0 && rng.next() < 0.6) {
        words.push(lexicon[Math.floor(lexicon.length * rng.next() ** 2)]!);
      } else {
        const word =
          stems[rng.int(stems.length)]! +
          stems[rng.int(stems.length)]!.toLowerCase() +
          endings[rng.int(endings.length)]!;
        lexicon.push(word);
        words.push(word);
      }
    }
    out.push(words.join(s % 3 === 0 ? ' ' : ', '));
  }
  return out;
}

describe('buildVocab', () => {
  it('lists specials, characters, their ## forms, then frequent words (exact small case)', () => {
    const vocab = buildVocab(['the cat sat', 'the cat', 'The dog'], { size: 30, minFrequency: 2 });
    expect(vocab).toEqual([
      ...SPECIALS,
      ...['t', 'a', 'e', 'h', 'c', 'd', 'g', 'o', 's'], // t:6, a/e/h:3, c:2, then the 1s by string order
      ...['##t', '##a', '##e', '##h', '##c', '##d', '##g', '##o', '##s'],
      'the', // 3
      'cat', // 2; 'sat' and 'dog' are seen once, below minFrequency, and so are their suffixes
    ]);
  });

  it('adds ## suffixes of rarer words, scored by summed frequency, ties by string order', () => {
    const vocab = buildVocab(['walking talking jumping running jumped walked'], {
      size: 100,
      minFrequency: 2,
    });
    const suffixes = vocab.filter((t) => t.startsWith('##') && t.length > 3);
    // ##ing and ##ng end 4 words; ##alking, ##ed, ##king, ##lking end 2 each (string order); the rest 1.
    expect(suffixes).toEqual(['##ing', '##ng', '##alking', '##ed', '##king', '##lking']);
    expect(
      vocab.filter((t) => !t.startsWith('##') && t.length > 1 && !SPECIALS.includes(t)),
    ).toEqual([]);
  });

  it('is deterministic and does not depend on the order of the texts', () => {
    const texts = syntheticCorpus(7, 400);
    const a = buildVocab(texts, { size: 300 });
    const b = buildVocab([...texts].reverse(), { size: 300 });
    const c = buildVocab(new Set(texts).values(), { size: 300 });
    expect(a).toEqual(b);
    expect(a).toEqual(c);
    expect(a.slice(0, 5)).toEqual(SPECIALS);
    expect(a.length).toBe(300);
    expect(new Set(a).size).toBe(a.length);
    expect(buildVocab(syntheticCorpus(8, 400), { size: 300 })).not.toEqual(a);
  });

  it('tokenizes every training word without [UNK] when its characters are in the vocab', () => {
    const texts = syntheticCorpus(11, 600);
    for (const size of [80, 250, 2000]) {
      const vocab = buildVocab(texts, { size });
      expect(vocab.length).toBeLessThanOrEqual(size);
      const tokenizer = new WordPieceTokenizer(vocab);
      const inVocab = new Set(vocab);
      let words = 0;
      for (const text of texts) {
        for (const word of basicTokenize(text)) {
          if (![...word].every((ch) => inVocab.has(ch) && inVocab.has('##' + ch))) continue;
          words++;
          const pieces = tokenizer.tokenize(word);
          if (pieces.includes('[UNK]')) expect.fail(`size ${size}: ${word} → ${pieces.join(' ')}`);
        }
      }
      expect(words).toBeGreaterThan(1000);
    }
  });

  it('keeps the most frequent characters when size is too small for all of them', () => {
    const vocab = buildVocab(['aaaa bbb cc d'], { size: 9 });
    expect(vocab).toEqual([...SPECIALS, 'a', 'b', '##a', '##b']);
    expect(new WordPieceTokenizer(vocab).tokenize('ab cd')).toEqual(['a', '##b', '[UNK]']);
  });

  it('stops short of size on a small corpus and refuses bad options', () => {
    expect(buildVocab(['a b'], { size: 1000 })).toEqual([...SPECIALS, 'a', 'b', '##a', '##b']);
    expect(buildVocab([])).toEqual(SPECIALS);
    expect(() => buildVocab(['a'], { size: 4 })).toThrow(/size is out of range: 4/);
    expect(() => buildVocab(['a'], { minFrequency: 0 })).toThrow(/minFrequency/);
    expect(() => buildVocab(['a', 3 as unknown as string])).toThrow(/text 1 is not a string/);
  });
});
