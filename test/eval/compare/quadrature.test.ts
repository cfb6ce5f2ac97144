import { describe, expect, it } from 'vitest';
import { integrate } from '../../../src/eval/compare/quadrature.js';

describe('integrate', () => {
  it('integrates smooth and peaked functions to its tolerance', () => {
    expect(integrate(Math.sin, [0, Math.PI])).toBeCloseTo(2, 13);
    // A narrow Gaussian (sd 1e-3) on [−1, 1], split at its peak: √(2π)·1e-3.
    const narrow = (x: number) => Math.exp(-0.5 * (x / 1e-3) ** 2);
    expect(integrate(narrow, [-1, 0, 1]) / (Math.sqrt(2 * Math.PI) * 1e-3)).toBeCloseTo(1, 10);
    expect(integrate((x) => Math.exp(-x), [0, 50], { relTol: 1e-13 })).toBeCloseTo(
      1 - Math.exp(-50),
      13,
    );
  });

  it('skips empty pieces between repeated breakpoints', () => {
    expect(integrate((x) => x, [0, 1, 1, 2])).toBeCloseTo(2, 14);
  });
});
