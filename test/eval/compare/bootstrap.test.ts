import { describe, expect, it } from 'vitest';
import { bootstrapCi } from '../../../src/eval/compare/bootstrap.js';
import { loadStatsOracle } from './stats-fixture.js';

const oracle = loadStatsOracle();

describe('bootstrapCi', () => {
  it('agrees with the t interval on many queries (n = 1000, 5000)', () => {
    for (const pair of oracle.pairs.filter((p) => p.n >= 1000)) {
      const [lo, hi] = bootstrapCi(pair.a, pair.b, { samples: 4000, seed: 5 });
      const [tLo, tHi] = pair.paired_t.ci95;
      const width = tHi - tLo;
      expect(Math.abs(lo - tLo)).toBeLessThan(0.06 * width);
      expect(Math.abs(hi - tHi)).toBeLessThan(0.06 * width);
    }
  });

  it('is seeded, holds the mean difference, and collapses for a constant difference', () => {
    const pair = oracle.pairs[1]!;
    const ci = bootstrapCi(pair.a, pair.b, { seed: 9 });
    expect(bootstrapCi(pair.a, pair.b, { seed: 9 })).toEqual(ci);
    expect(ci[0]).toBeLessThan(pair.delta);
    expect(ci[1]).toBeGreaterThan(pair.delta);
    const [lo, hi] = bootstrapCi([0, 0, 0], [0.5, 0.5, 0.5]);
    expect(lo).toBeCloseTo(0.5, 14);
    expect(hi).toBeCloseTo(0.5, 14);
  });

  it('rejects a bad level or sample count', () => {
    expect(() => bootstrapCi([1, 2], [1, 2], { level: 1 })).toThrow(/level/);
    expect(() => bootstrapCi([1, 2], [1, 2], { samples: 0 })).toThrow(/samples/);
  });
});
