import { describe, expect, it } from 'vitest';
import type { RetrievalDataset, Run } from '../../src/data/types.js';
import {
  compareRowRuns,
  isSignificant,
  perQueryMainScores,
  ROW_COMPARISON,
} from '../../src/experiment/index.js';
import { scoreRun, judgedQueries } from '../../src/eval/index.js';

/** Four judged test queries (q1–q4, one relevant document each) and an unjudged q5. */
function dataset(answers = false): RetrievalDataset {
  const corpus = Object.fromEntries(
    ['d1', 'd2', 'd3', 'd4', 'd5'].map((d) => [d, { title: '', text: `text of ${d} about ${d}x` }]),
  );
  const queries = Object.fromEntries(
    ['q1', 'q2', 'q3', 'q4', 'q5'].map((q, i) => [
      q,
      { text: `query ${q}`, ...(answers ? { answers: [`d${i + 1}x`] } : {}) },
    ]),
  );
  const qrels = { q1: { d1: 1 }, q2: { d2: 1 }, q3: { d3: 1 }, q4: { d4: 1 } };
  return {
    name: 'tiny',
    corpus,
    splits: { test: { queries, qrels } },
    mainMetric: answers ? 'accuracy@1' : 'mrr@10',
  };
}

// q1 at rank 1, q2 at rank 2, q3 at rank 3; q4 missing from the run (scores 0).
const runA: Run = {
  q1: { d1: 3, d2: 2 },
  q2: { d5: 3, d2: 2 },
  q3: { d5: 3, d4: 2, d3: 1 },
  q5: { d1: 1 },
};
// Every query at rank 1.
const runB: Run = { q1: { d1: 1 }, q2: { d2: 1 }, q3: { d3: 1 }, q4: { d4: 1 } };

describe('perQueryMainScores', () => {
  it("scores the evaluated judged queries, 0 for one the run lacks; the mean is scoreRun's", () => {
    const d = dataset();
    const scores = perQueryMainScores(d, runA, 'mrr@10');
    expect(scores).toEqual({ q1: 1, q2: 0.5, q3: 1 / 3, q4: 0 });
    const split = d.splits.test!;
    const mean = Object.values(scores).reduce((s, x) => s + x, 0) / 4;
    expect(mean).toBeCloseTo(
      scoreRun(d, judgedQueries(split), split.qrels, runA, ['mrr@10'])['mrr@10']!,
      12,
    );
    // maxQueries: the first N judged queries by id, as evaluateDense's.
    expect(perQueryMainScores(d, runA, 'MRR@10', 2)).toEqual({ q1: 1, q2: 0.5 });
  });

  it('uses answer strings for accuracy@K where the queries carry them', () => {
    // accuracy@1: q1's top document is d1 (answer d1x); q2's and q3's are d5; q4 has none.
    expect(perQueryMainScores(dataset(true), runA, 'accuracy@1')).toEqual({
      q1: 1,
      q2: 0,
      q3: 0,
      q4: 0,
    }); // q5, without qrels, is not an evaluated query
    const d = dataset(true);
    const split = d.splits.test!;
    expect(
      scoreRun(d, judgedQueries(split), split.qrels, runA, ['accuracy@1', 'mrr@10'])['accuracy@1'],
    ).toBe(0.25);
  });
});

describe('compareRowRuns', () => {
  it('delta is mean(row) − mean(against); the p-value is the seeded randomization test', () => {
    const d = dataset();
    const c = compareRowRuns(d, runB, { method: 'pruned', queryLayers: 2, run: runA }, 'mrr@10');
    expect(c).toMatchObject({
      against: 'pruned',
      againstQueryLayers: 2,
      metric: 'mrr@10',
      test: 'randomization',
      queries: 4,
    });
    expect(c.delta).toBeCloseTo(1 - (1 + 0.5 + 1 / 3) / 4, 12);
    // Differences 0, 0.5, 2/3, 1: of the 16 sign patterns, those with |sum| ≥ 13/6 are the
    // 2 with 0.5, 2/3, 1 all alike (q1's sign is free): exact p = 4/16.
    const se = Math.sqrt((0.25 * 0.75) / ROW_COMPARISON.permutations);
    expect(Math.abs(c.pValue - 0.25)).toBeLessThan(4 * se);
    expect(
      compareRowRuns(d, runB, { method: 'pruned', queryLayers: 2, run: runA }, 'mrr@10'),
    ).toEqual(c);
    expect(isSignificant(c)).toBe(false);
    expect(isSignificant(null)).toBe(false);
    expect(isSignificant({ ...c, pValue: 0.01 })).toBe(true);
  });
});
