import { describe, expect, it } from 'vitest';
import {
  add,
  checkRuns,
  toRun,
  type Accumulator,
} from '../../../src/eval/compare/fusion-common.js';

describe('fusion accumulator', () => {
  it('sums per (query, document) and keeps the best `depth`, ties by id ascending', () => {
    const acc: Accumulator = new Map();
    add(acc, 'q', 'b', 1);
    add(acc, 'q', 'a', 1);
    add(acc, 'q', 'c', 0.5);
    add(acc, 'q', 'c', 0.25);
    expect(toRun(acc)).toEqual({ q: { b: 1, a: 1, c: 0.75 } });
    expect(toRun(acc, 2)).toEqual({ q: { a: 1, b: 1 } });
  });

  it('rejects no runs and non-finite scores', () => {
    expect(() => checkRuns('f', [])).toThrow('f: needs at least 1 run, got 0');
    expect(() => checkRuns('f', [{ q: { d: Infinity } }])).toThrow(
      'f: run 0 query "q" document "d" has score Infinity',
    );
  });
});
