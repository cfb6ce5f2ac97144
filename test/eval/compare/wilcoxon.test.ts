import { describe, expect, it } from 'vitest';
import { wilcoxonTest } from '../../../src/eval/compare/wilcoxon.js';
import { expectPValue, loadStatsOracle } from './stats-fixture.js';

const oracle = loadStatsOracle();

describe('wilcoxonTest', () => {
  it.each(oracle.pairs.map((p) => [p.name, p] as const))(
    'matches scipy wilcoxon (wilcox, no correction, approx) on %s',
    (_, pair) => {
      const r = wilcoxonTest(pair.a, pair.b);
      expect(r.statistic).toBe(pair.wilcoxon.statistic);
      expect(r.nonZero).toBe(pair.wilcoxon.n_nonzero);
      expectPValue(r.pValue, pair.wilcoxon.pvalue);
    },
  );

  it('uses the tie-corrected variance (a hand-worked case)', () => {
    // d = 1, 1, -2, 3: |d| ranks 1.5, 1.5, 3, 4; R- = 3, n = 4; var = 4·5·9/24 − (8−2)/48 = 7.375.
    const r = wilcoxonTest([0, 0, 0, 0], [1, 1, -2, 3]);
    expect(r.statistic).toBe(3);
    expect(r.z).toBeCloseTo((3 - 5) / Math.sqrt(7.375), 14);
  });

  it('gives p = 1 when no difference is non-zero', () => {
    expect(wilcoxonTest([0.5, 0.2], [0.5, 0.2])).toMatchObject({ pValue: 1, nonZero: 0 });
  });
});
