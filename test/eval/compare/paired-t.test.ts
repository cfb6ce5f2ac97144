import { describe, expect, it } from 'vitest';
import { pairedTTest } from '../../../src/eval/compare/paired-t.js';
import { expectPValue, loadStatsOracle } from './stats-fixture.js';

const oracle = loadStatsOracle();

describe('pairedTTest', () => {
  it.each(oracle.pairs.map((p) => [p.name, p] as const))(
    'matches scipy ttest_rel on %s',
    (_, pair) => {
      const r = pairedTTest(pair.a, pair.b);
      expect(r.df).toBe(pair.paired_t.df);
      expect(r.statistic).toBeCloseTo(pair.paired_t.statistic, 10);
      expect(r.delta).toBeCloseTo(pair.delta, 14);
      expectPValue(r.pValue, pair.paired_t.pvalue);
      // scipy 1.10's t quantile is off by up to ~1e-10 (scipy 1.17 gives our value on pair1).
      expect(Math.abs(r.ci[0] - pair.paired_t.ci95[0])).toBeLessThan(1e-9);
      expect(Math.abs(r.ci[1] - pair.paired_t.ci95[1])).toBeLessThan(1e-9);
    },
  );

  it('gives p = 1 when every difference is zero and p = 0 when all are equal and non-zero', () => {
    expect(pairedTTest([0.1, 0.2, 0.3], [0.1, 0.2, 0.3]).pValue).toBe(1);
    expect(
      pairedTTest(
        [0.1, 0.2, 0.3],
        [0.2, 0.3, 0.4].map((x) => x),
      ).pValue,
    ).toBeLessThan(1e-12);
  });

  it('rejects unequal lengths, fewer than two queries and NaN', () => {
    expect(() => pairedTTest([1, 2], [1])).toThrow(/2 and 1 scores/);
    expect(() => pairedTTest([1], [1])).toThrow(/at least 2 queries/);
    expect(() => pairedTTest([1, NaN], [1, 2])).toThrow(/score 1 is not a finite number/);
  });
});
