import { describe, expect, it } from 'vitest';
import { randomizationTest } from '../../../src/eval/compare/randomization.js';
import { loadStatsOracle } from './stats-fixture.js';

const oracle = loadStatsOracle();
const pair0 = oracle.pairs[0]!;

describe('randomizationTest', () => {
  it("lands within its sampling error of the oracle's exact p (all 4,096 sign flips)", () => {
    const exact = pair0.randomization_exact!.pvalue;
    const permutations = 40_000;
    const r = randomizationTest(pair0.a, pair0.b, { permutations, seed: 3 });
    const se = Math.sqrt((exact * (1 - exact)) / permutations);
    expect(Math.abs(r.pValue - exact)).toBeLessThan(4 * se);
    expect(r.delta).toBeCloseTo(pair0.delta, 14);
  });

  it('is reproducible from its seed and changes with it', () => {
    const a = randomizationTest(pair0.a, pair0.b, { permutations: 2000, seed: 1 });
    expect(randomizationTest(pair0.a, pair0.b, { permutations: 2000, seed: 1 })).toEqual(a);
    expect(randomizationTest(pair0.a, pair0.b, { permutations: 2000, seed: 2 }).pValue).not.toBe(
      a.pValue,
    );
  });

  it('never returns 0, and finds a large effect on many queries', () => {
    const pair5 = oracle.pairs[5]!; // n = 5000, t-test p ≈ 6e-63
    const r = randomizationTest(pair5.a, pair5.b, { permutations: 1000 });
    expect(r.pValue).toBe(1 / 1001);
  });

  it('gives p = 1 for identical systems and rejects a bad permutation count', () => {
    expect(randomizationTest([0.1, 0.4, 0.2], [0.1, 0.4, 0.2], { permutations: 100 }).pValue).toBe(
      1,
    );
    expect(() => randomizationTest([1, 2], [2, 3], { permutations: 0 })).toThrow(/permutations/);
  });
});
