import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/retrieval/bm25.js';
import { luceneLength } from '../../src/retrieval/lucene-norms.js';

const corpus = {
  d1: { title: 'Cats', text: 'cats chase mice and cats sleep' },
  d2: { title: 'Dogs', text: 'dogs chase cats' },
  d3: {
    title: '',
    text: 'mice eat cheese in the kitchen of a large old house with many rooms and mice',
  },
  d4: { title: 'Birds', text: 'birds sing' },
};

/** Lucene BM25 by hand: idf · tf / (tf + k1 (1 − b + b dl / avgdl)). */
function expectedScore(
  tf: number,
  df: number,
  dl: number,
  avgdl: number,
  k1: number,
  b: number,
  n: number,
): number {
  const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
  return (idf * tf) / (tf + k1 * (1 - b + (b * luceneLength(dl)) / avgdl));
}

describe('Bm25Index', () => {
  const index = Bm25Index.build(corpus, { k1: 1.2, b: 0.75 });
  // Terms after analysis: d1 [cat, cat, chase, mice, cat, sleep] (6), d2 [dog, dog, chase, cat] (4),
  // d3 [mice, eat, chees, kitchen, larg, old, hous, mani, room, mice] (10), d4 [bird, bird, sing] (3).
  const avgdl = (6 + 4 + 10 + 3) / 4;

  it('indexes title and text with the english analyzer', () => {
    expect(Array.from(index.docLengths)).toEqual([6, 4, 10, 3]);
    expect(index.numDocs).toBe(4);
  });

  it('scores as Lucene BM25 and ranks by score', () => {
    const hits = index.search('cats', 10);
    expect(hits.map((h) => h.id)).toEqual(['d1', 'd2']);
    expect(hits[0]!.score).toBeCloseTo(expectedScore(3, 2, 6, avgdl, 1.2, 0.75, 4), 6);
    expect(hits[1]!.score).toBeCloseTo(expectedScore(1, 2, 4, avgdl, 1.2, 0.75, 4), 6);
    // Two terms add up; a repeated query term counts twice.
    const both = index.search('mice cheese', 1)[0]!;
    expect(both.id).toBe('d3');
    expect(both.score).toBeCloseTo(
      expectedScore(2, 2, 10, avgdl, 1.2, 0.75, 4) + expectedScore(1, 1, 10, avgdl, 1.2, 0.75, 4),
      6,
    );
    const twice = index.search('cheese cheese', 1)[0]!.score;
    expect(twice).toBeCloseTo(2 * expectedScore(1, 1, 10, avgdl, 1.2, 0.75, 4), 6);
  });

  it('returns only matching documents, ties to corpus order, and a Run for many queries', () => {
    expect(index.search('zebra the', 5)).toEqual([]);
    const tie = Bm25Index.build({ a: { title: '', text: 'x y' }, b: { title: '', text: 'x y' } });
    expect(tie.search('x', 2).map((h) => h.id)).toEqual(['a', 'b']);
    const run = index.searchAll({ q1: { text: 'chase' }, q2: { text: 'nothing' } }, 1);
    expect(Object.keys(run)).toEqual(['q1', 'q2']);
    expect(Object.keys(run['q1']!)).toEqual(['d2']); // shorter document wins the tf = 1 tie
    expect(run['q2']).toEqual({});
  });

  it('rejects bad parameters', () => {
    expect(() => Bm25Index.build(corpus, { b: 2 })).toThrow(/b must be in \[0, 1\]/);
  });
});
