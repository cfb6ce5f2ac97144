import { describe, expect, it } from 'vitest';
import { bonferroni } from '../../../src/eval/compare/bonferroni.js';
import { loadStatsOracle } from './stats-fixture.js';

const { multiple_testing: mt } = loadStatsOracle();

describe('bonferroni', () => {
  it("matches statsmodels' multipletests(method='bonferroni')", () => {
    const got = bonferroni(mt.pvalues);
    got.forEach((p, i) => expect(p).toBeCloseTo(mt.bonferroni.adjusted[i]!, 14));
    expect(got.map((p) => p <= 0.05)).toEqual(mt.bonferroni['reject_at_0.05']);
  });
});
