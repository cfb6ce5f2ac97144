import { describe, expect, it } from 'vitest';
import { TopK } from '../../src/retrieval/topk.js';
import { Random } from '../../src/util/random.js';

describe('TopK', () => {
  it('keeps the best k, ties to the lower index, whatever the offer order', () => {
    const rng = new Random(7);
    const scores = Array.from({ length: 500 }, () => Math.round(rng.next() * 20) / 2); // many ties
    const expected = scores
      .map((s, i) => ({ s, i }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, 25);
    const order = rng.shuffle(Array.from({ length: 500 }, (_, i) => i));
    const top = new TopK(25);
    for (const i of order) top.push(i, scores[i]!);
    top.push(999, NaN);
    const { indices, scores: got } = top.sorted();
    expect(Array.from(indices)).toEqual(expected.map((e) => e.i));
    expect(Array.from(got)).toEqual(expected.map((e) => e.s));
  });

  it('returns fewer when fewer are offered', () => {
    const top = new TopK(3);
    top.push(5, 1);
    expect(Array.from(top.sorted().indices)).toEqual([5]);
    expect(top.threshold).toBe(-Infinity);
  });
});
