import { describe, expect, it } from 'vitest';
import { holm } from '../../../src/eval/compare/holm.js';
import { loadStatsOracle } from './stats-fixture.js';

const { multiple_testing: mt } = loadStatsOracle();

describe('holm', () => {
  it("matches statsmodels' multipletests(method='holm')", () => {
    const got = holm(mt.pvalues);
    got.forEach((p, i) => expect(p).toBeCloseTo(mt.holm.adjusted[i]!, 14));
    expect(got.map((p) => p <= 0.05)).toEqual(mt.holm['reject_at_0.05']);
  });

  it('returns the adjusted values in the input order, monotone in the raw ones', () => {
    const shuffled = [0.5, 0.001, 0.03, 0.2];
    expect(holm(shuffled)).toEqual([0.5, 0.004, 0.09, 0.4]);
  });
});
