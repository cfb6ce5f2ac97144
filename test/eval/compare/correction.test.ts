import { describe, expect, it } from 'vitest';
import { adjustPValues, parseCorrection } from '../../../src/eval/compare/correction.js';

describe('adjustPValues', () => {
  it('dispatches by name and leaves the values alone for none', () => {
    const p = [0.01, 0.04, 0.03];
    expect(adjustPValues(p, 'none')).toEqual(p);
    expect(adjustPValues(p, 'bonferroni')).toEqual([0.03, 0.12, 0.09]);
    expect(adjustPValues(p, 'holm')[0]).toBeCloseTo(0.03, 15);
    expect(adjustPValues(p, 'bh')[1]).toBeCloseTo(0.04, 15);
  });

  it('rejects unknown names and p-values outside [0, 1]', () => {
    expect(() => parseCorrection('fdr')).toThrow(
      /unknown correction "fdr"; allowed: holm, bonferroni, bh, none/,
    );
    expect(parseCorrection(' BH ')).toBe('bh');
    expect(() => adjustPValues([1.5], 'holm')).toThrow(/not in \[0, 1\]/);
    expect(() => adjustPValues([NaN], 'none')).toThrow(/not in \[0, 1\]/);
  });
});
