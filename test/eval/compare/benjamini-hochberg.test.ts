import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../../src/eval/compare/benjamini-hochberg.js';
import { loadStatsOracle } from './stats-fixture.js';

const { multiple_testing: mt } = loadStatsOracle();

describe('benjaminiHochberg', () => {
  it("matches statsmodels' multipletests(method='fdr_bh')", () => {
    const got = benjaminiHochberg(mt.pvalues);
    got.forEach((p, i) => expect(p).toBeCloseTo(mt.fdr_bh.adjusted[i]!, 14));
    expect(got.map((p) => p <= 0.05)).toEqual(mt.fdr_bh['reject_at_0.05']);
  });

  it('keeps the input order', () => {
    const reversed = [...mt.pvalues].reverse();
    const got = benjaminiHochberg(reversed).reverse();
    got.forEach((p, i) => expect(p).toBeCloseTo(mt.fdr_bh.adjusted[i]!, 14));
  });
});
