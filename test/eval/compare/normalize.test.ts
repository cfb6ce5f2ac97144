import { describe, expect, it } from 'vitest';
import { normalizeRun } from '../../../src/eval/compare/normalize.js';

describe('normalizeRun', () => {
  it('min-max maps to [0, 1] and a single distinct score to 1', () => {
    expect(normalizeRun({ q: { a: 2, b: 4, c: 3 }, r: { x: 5, y: 5 } }, 'minmax')).toEqual({
      q: { a: 0, b: 1, c: 0.5 },
      r: { x: 1, y: 1 },
    });
  });

  it('z-score uses the population sd and gives 0 when all scores are equal; none copies', () => {
    const z = normalizeRun({ q: { a: 1, b: 3 }, r: { x: 7 } }, 'zscore');
    expect(z).toEqual({ q: { a: -1, b: 1 }, r: { x: 0 } });
    const run = { q: { a: 1 } };
    const same = normalizeRun(run, 'none');
    expect(same).toEqual(run);
    expect(same['q']).not.toBe(run.q);
  });
});
