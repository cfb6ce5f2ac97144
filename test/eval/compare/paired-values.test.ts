import { describe, expect, it } from 'vitest';
import {
  checkPaired,
  differences,
  mean,
  winsTiesLosses,
} from '../../../src/eval/compare/paired-values.js';

describe('paired values', () => {
  it('computes differences, means and wins / ties / losses of b against a', () => {
    expect(Array.from(differences([1, 2, 3], [2, 2, 1]))).toEqual([1, 0, -2]);
    expect(mean([1, 2, 6])).toBe(3);
    expect(winsTiesLosses([1, 2, 3], [2, 2, 1])).toEqual({ wins: 1, ties: 1, losses: 1 });
  });

  it('checks lengths, the query count and finiteness, naming the test', () => {
    expect(() => checkPaired('t', [1, 2], [1, 2, 3])).toThrow(
      't: the two systems have 2 and 3 scores',
    );
    expect(() => checkPaired('t', [], [])).toThrow('t: needs at least 2 queries, got 0');
    expect(() => checkPaired('t', [1, Infinity], [1, 2])).toThrow(
      't: score 1 is not a finite number (Infinity, 2)',
    );
  });
});
