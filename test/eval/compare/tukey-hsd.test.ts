import { describe, expect, it } from 'vitest';
import { tukeyHsd } from '../../../src/eval/compare/tukey-hsd.js';
import { expectPValue, loadStatsOracle } from './stats-fixture.js';

const { tukey_hsd: oracle } = loadStatsOracle();

describe('tukeyHsd', () => {
  it("matches statsmodels' pairwise_tukeyhsd on four systems of 200 queries", () => {
    const pairs = tukeyHsd(oracle.systems, oracle.alpha);
    expect(pairs.map((p) => `${p.a}-${p.b}`)).toEqual(oracle.pairs.map((p) => `${p.a}-${p.b}`));
    pairs.forEach((p, i) => {
      const want = oracle.pairs[i]!;
      expect(p.delta).toBeCloseTo(want.meandiff_b_minus_a, 14);
      expectPValue(p.pValue, want.pvalue);
      expect(p.significant).toBe(want.reject);
    });
  });

  it('rejects fewer than two systems and empty or NaN scores', () => {
    expect(() => tukeyHsd({ A: [1, 2] })).toThrow(/at least 2 systems/);
    expect(() => tukeyHsd({ A: [1, 2], B: [] })).toThrow(/"B" has no scores/);
    expect(() => tukeyHsd({ A: [1, 2], B: [1, NaN] })).toThrow(/"B" score 1 is NaN/);
  });
});
