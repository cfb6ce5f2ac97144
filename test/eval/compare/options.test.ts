import { describe, expect, it } from 'vitest';
import { checkAlpha, DEFAULT_COMPARE, parseTest } from '../../../src/eval/compare/options.js';

describe('compare options', () => {
  it('has the documented defaults, frozen', () => {
    expect(DEFAULT_COMPARE).toMatchObject({
      test: 'paired-t',
      correction: 'holm',
      alpha: 0.05,
      permutations: 10_000,
    });
    expect(Object.isFrozen(DEFAULT_COMPARE)).toBe(true);
    expect(Object.isFrozen(DEFAULT_COMPARE.metrics)).toBe(true);
  });

  it('parses test names and checks alpha', () => {
    expect(parseTest(' Wilcoxon ')).toBe('wilcoxon');
    expect(() => parseTest('tukey')).toThrow(
      'unknown test "tukey"; allowed: paired-t, wilcoxon, randomization',
    );
    expect(checkAlpha(0.01)).toBe(0.01);
    expect(() => checkAlpha(0)).toThrow('alpha must be in (0, 1), got 0');
  });
});
