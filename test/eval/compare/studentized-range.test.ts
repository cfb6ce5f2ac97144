import { describe, expect, it } from 'vitest';
import { normalRangeSf, studentizedRangeSf } from '../../../src/eval/compare/studentized-range.js';
import { expectPValue, loadStatsOracle } from './stats-fixture.js';

describe('studentizedRangeSf', () => {
  it("reproduces scipy's studentized_range.sf behind the oracle's Tukey p-values", () => {
    // The oracle's q values follow from its groups; tukey-hsd.test.ts checks the whole path.
    const { tukey_hsd: t } = loadStatsOracle();
    const names = Object.keys(t.systems);
    const means = names.map((n) => t.systems[n]!.reduce((s, x) => s + x, 0) / t.systems[n]!.length);
    let ss = 0;
    names.forEach((n, i) => t.systems[n]!.forEach((x) => (ss += (x - means[i]!) ** 2)));
    const df = 800 - 4;
    const se = Math.sqrt(ss / df / 200);
    const q = Math.abs(means[3]! - means[0]!) / se; // A vs D, p ≈ 3.8e-4
    expectPValue(studentizedRangeSf(q, 4, df), t.pairs[2]!.pvalue);
  });

  it('matches published critical values (alpha 0.05) and the closed form for k = 2', () => {
    // Tukey tables: q(0.95; k = 2, ν = 1) = 17.97, q(0.95; 3, 10) = 3.877, q(0.95; 4, ∞) = 3.633.
    expect(studentizedRangeSf(17.97, 2, 1)).toBeCloseTo(0.05, 4);
    expect(studentizedRangeSf(3.877, 3, 10)).toBeCloseTo(0.05, 4);
    expect(studentizedRangeSf(3.633, 4, Infinity)).toBeCloseTo(0.05, 4);
    // k = 2, ν = ∞: the range of two normals is |X − Y| ~ √2·|N|, so P(R > w) = erfc(w / 2).
    expect(normalRangeSf(1.5, 2)).toBeCloseTo(0.2888443663464849, 12);
  });

  it('keeps relative precision in the far tail and is monotone', () => {
    const far = studentizedRangeSf(12, 3, 200);
    // mpmath (18 digits, its own quadrature of the same definition) gives 1.43527708994688e-14;
    // scipy 1.17's sf loses this tail to cancellation (it prints 4.5e-14).
    expect(Math.abs(far - 1.43527708994688e-14)).toBeLessThan(1e-9 * far);
    expect(studentizedRangeSf(11, 3, 200)).toBeGreaterThan(far);
    expect(studentizedRangeSf(0, 3, 10)).toBe(1);
    expect(() => studentizedRangeSf(1, 1, 10)).toThrow(/k must be an integer ≥ 2/);
    expect(() => studentizedRangeSf(1, 3, 0)).toThrow(/degrees of freedom/);
  });
});
