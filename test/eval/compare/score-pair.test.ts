import { beforeAll, describe, expect, it } from 'vitest';
import type { Qrels, Run } from '../../../src/data/types.js';
import { perQueryScores } from '../../../src/eval/compare/per-query.js';
import { randomizationTest } from '../../../src/eval/compare/randomization.js';
import { compareRunPair, compareScorePair } from '../../../src/eval/compare/score-pair.js';
import { loadRuns } from './runs-fixture.js';
import { loadStatsOracle } from './stats-fixture.js';

let qrels: Qrels;
let runs: Record<string, Run>;
beforeAll(async () => ({ qrels, runs } = await loadRuns()));

describe('compareScorePair', () => {
  it('is the seeded randomization test on the shared queries, in id order', () => {
    const pair = loadStatsOracle().pairs[0]!;
    const ids = pair.a.map((_, i) => `q${String(i).padStart(2, '0')}`);
    const a = Object.fromEntries(ids.map((q, i) => [q, pair.a[i]!]));
    const b = Object.fromEntries(ids.map((q, i) => [q, pair.b[i]!]));
    const got = compareScorePair(a, b);
    expect(got).toEqual({
      delta: got.delta,
      pValue: randomizationTest(pair.a, pair.b).pValue,
      test: 'randomization',
      queries: 12,
    });
    expect(got.delta).toBeCloseTo(pair.delta, 14);
    const exact = pair.randomization_exact!.pvalue; // 10,000 flips: within 4 standard errors
    expect(Math.abs(got.pValue - exact)).toBeLessThan(
      4 * Math.sqrt((exact * (1 - exact)) / 10_000),
    );
  });

  it('rejects maps over different queries, naming one', () => {
    expect(() => compareScorePair({ q1: 1, q2: 0 }, { q1: 1, q3: 0 })).toThrow(
      /different queries \(1 only in the first, 1 only in the second; e.g. "q2" only in the first\)/,
    );
  });
});

describe('compareRunPair', () => {
  it('scores both runs as compareRuns does, then compares', () => {
    const got = compareRunPair(qrels, runs['oracle']!, runs['demoted']!, 'ndcg@10', {
      permutations: 1000,
      seed: 2,
    });
    const s = perQueryScores(qrels, { a: runs['oracle']!, b: runs['demoted']! }, [
      'ndcg@10',
    ]).scores;
    const want = randomizationTest(s['a']!['ndcg@10']!, s['b']!['ndcg@10']!, {
      permutations: 1000,
      seed: 2,
    });
    expect(got).toEqual({
      delta: want.delta,
      pValue: want.pValue,
      test: 'randomization',
      queries: 39,
    });
  });
});
