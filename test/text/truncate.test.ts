import { describe, expect, it } from 'vitest';
import { keepPair, keepSingle } from '../../src/text/truncate.js';

describe('truncation', () => {
  it('keeps a single sequence up to the budget', () => {
    expect(keepSingle(10, 4)).toBe(4);
    expect(keepSingle(3, 4)).toBe(3);
  });

  it('follows the HF tokenizers longest-first rule for pairs', () => {
    expect(keepPair(3, 4, 10)).toEqual([3, 4]); // fits
    expect(keepPair(10, 2, 6)).toEqual([4, 2]); // only the longer is cut
    expect(keepPair(2, 10, 6)).toEqual([2, 4]);
    expect(keepPair(10, 8, 5)).toEqual([3, 2]); // both cut; the longer gets the odd piece
    expect(keepPair(8, 10, 5)).toEqual([2, 3]);
    expect(keepPair(9, 9, 5)).toEqual([2, 3]); // tie: the second gets it
    expect(keepPair(9, 9, 6)).toEqual([3, 3]);
    expect(keepPair(7, 4, 6)).toEqual([3, 3]); // shorter fits in half, but not with the longer's share
  });

  it('never keeps more than the budget or than a sequence has', () => {
    for (let a = 0; a <= 12; a++) {
      for (let b = 0; b <= 12; b++) {
        for (let budget = 0; budget <= 14; budget++) {
          const [ka, kb] = keepPair(a, b, budget);
          expect(ka + kb).toBe(Math.min(a + b, budget));
          expect(ka <= a && kb <= b && ka >= 0 && kb >= 0).toBe(true);
        }
      }
    }
  });
});
