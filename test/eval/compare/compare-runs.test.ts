import { beforeAll, describe, expect, it } from 'vitest';
import type { Qrels, Run } from '../../../src/data/types.js';
import { compareRuns, runComparison } from '../../../src/eval/compare/compare-runs.js';
import { holm } from '../../../src/eval/compare/holm.js';
import { pairedTTest } from '../../../src/eval/compare/paired-t.js';
import { perQueryScores } from '../../../src/eval/compare/per-query.js';
import { randomizationTest } from '../../../src/eval/compare/randomization.js';
import { wilcoxonTest } from '../../../src/eval/compare/wilcoxon.js';
import { loadExpected } from '../fixtures.js';
import { COMPARISON_COLUMNS, loadRuns } from './runs-fixture.js';

let qrels: Qrels;
let runs: Record<string, Run>;
beforeAll(async () => ({ qrels, runs } = await loadRuns()));

describe('compareRuns', () => {
  it("gives the baseline trec_eval -c's means and its own row (delta 0, pValue null)", () => {
    const c = runComparison(qrels, runs, { metrics: ['ndcg@10', 'recall@100', 'mrr@10'] });
    const want = loadExpected().aggregates;
    const row = (system: string, metric: string) =>
      c.rows.find((r) => r.system === system && r.metric === metric)!;
    expect(row('oracle', 'ndcg@10').mean).toBeCloseTo(
      want.trec_eval_complete.values['ndcg_cut_10']!,
      12,
    );
    expect(row('oracle', 'recall@100').mean).toBeCloseTo(
      want.trec_eval_complete.values['recall_100']!,
      12,
    );
    expect(row('oracle', 'mrr@10').mean).toBeCloseTo(want.mrr_at_10_msmarco.value, 12);
    expect(row('oracle', 'ndcg@10')).toMatchObject({
      delta: 0,
      pValue: null,
      pAdjusted: null,
      ci95: null,
      significant: false,
    });
    expect(c).toMatchObject({
      queries: 39,
      test: 'paired-t',
      correction: 'holm',
      alpha: 0.05,
      baseline: 'oracle',
    });
    expect(c.rows.map((r) => `${r.metric}:${r.system}`).slice(0, 3)).toEqual([
      'ndcg@10:oracle',
      'ndcg@10:demoted',
      'ndcg@10:fused',
    ]);
  });

  it('tests each system against the baseline and applies Holm per metric', () => {
    const c = runComparison(qrels, runs, { metrics: ['ndcg@10'] });
    const s = perQueryScores(qrels, runs, ['ndcg@10']).scores;
    const tests = ['demoted', 'fused'].map((n) =>
      pairedTTest(s['oracle']!['ndcg@10']!, s[n]!['ndcg@10']!),
    );
    const adjusted = holm(tests.map((t) => t.pValue));
    const [, demoted, fused] = c.rows;
    expect(demoted!.pValue).toBe(tests[0]!.pValue);
    expect(fused!.pAdjusted).toBe(adjusted[1]);
    expect(demoted!.ci95).toEqual(tests[0]!.ci);
    expect(demoted!.delta).toBeCloseTo(tests[0]!.delta, 14);
    expect(demoted!.significant).toBe(adjusted[0]! <= 0.05);
    expect(demoted!.wins + demoted!.ties + demoted!.losses).toBe(39);
    expect(demoted!.losses).toBeGreaterThan(0);
  });

  it('runs the Wilcoxon and randomization tests with a seeded bootstrap interval', () => {
    const s = perQueryScores(qrels, runs, ['ndcg@10']).scores;
    const [a, b] = [s['oracle']!['ndcg@10']!, s['demoted']!['ndcg@10']!];
    const w = runComparison(qrels, runs, {
      metrics: ['ndcg@10'],
      test: 'wilcoxon',
      correction: 'none',
    });
    expect(w.rows[1]!.pValue).toBe(wilcoxonTest(a, b).pValue);
    expect(w.rows[1]!.pAdjusted).toBe(w.rows[1]!.pValue);
    const r = runComparison(qrels, runs, {
      metrics: ['ndcg@10'],
      test: 'randomization',
      permutations: 500,
      seed: 4,
    });
    expect(r.rows[1]!.pValue).toBe(randomizationTest(a, b, { permutations: 500, seed: 4 }).pValue);
    const [lo, hi] = r.rows[1]!.ci95!;
    expect(lo).toBeLessThanOrEqual(r.rows[1]!.delta);
    expect(hi).toBeGreaterThanOrEqual(r.rows[1]!.delta);
  });

  it('returns an arquero table with the contract columns', () => {
    const t = compareRuns(qrels, runs, { metrics: ['ndcg@10'], baseline: 'fused' });
    expect(t.columnNames()).toEqual(COMPARISON_COLUMNS);
    expect(t.numRows()).toBe(3);
    expect(t.get('system', 0)).toBe('fused');
  });

  it('scores a qrels query missing from a run as 0 and says so', () => {
    const partial = { ...runs['oracle']! };
    const dropped = Object.keys(partial).sort()[0]!;
    delete (partial as Record<string, unknown>)[dropped];
    const extra = { ...runs['demoted']!, 'no-such-query': { D1: 1 } };
    const c = runComparison(
      qrels,
      { oracle: runs['oracle']!, partial, extra },
      { metrics: ['recall@100'] },
    );
    const s = perQueryScores(qrels, { oracle: runs['oracle']!, partial }, ['recall@100']);
    const i = s.queries['recall@100']!.indexOf(dropped);
    expect(s.scores['partial']!['recall@100']![i]).toBe(0);
    // The oracle run itself lacks one qrels query and has one query without qrels.
    expect(c.notes).toContain('run "oracle" lacks 1 qrels query (scored 0)');
    expect(c.notes).toContain('run "partial" lacks 2 qrels queries (scored 0)');
    expect(c.notes).toContain('run "extra" has 2 queries without qrels (ignored)');
  });

  it('rejects bad input with errors that name the option, run, query or document', () => {
    const two = { a: runs['oracle']!, b: runs['demoted']! };
    expect(() => runComparison(qrels, two, { baseline: 'c' })).toThrow(
      /baseline "c" names no run; runs: a, b/,
    );
    expect(() => runComparison(qrels, two, { metrics: ['ndgc@10'] })).toThrow(
      /unknown metric "ndgc@10"/,
    );
    expect(() => runComparison(qrels, two, { test: 'sign' as never })).toThrow(
      /unknown test "sign"; allowed: paired-t, wilcoxon, randomization/,
    );
    expect(() => runComparison(qrels, two, { correction: 'fdr' as never })).toThrow(
      /unknown correction "fdr"/,
    );
    expect(() => runComparison(qrels, two, { alpha: 5 })).toThrow(/alpha must be in \(0, 1\)/);
    expect(() => runComparison(qrels, { a: runs['oracle']! })).toThrow(/at least 2 runs, got 1/);
    const nan = { ...runs['oracle']!, q01: { D1: NaN } };
    expect(() => runComparison(qrels, { a: runs['oracle']!, nan })).toThrow(
      /run "nan": query "q01" document "D1" has score NaN/,
    );
    expect(() => runComparison(qrels, { a: runs['oracle']!, other: { x1: { D1: 1 } } })).toThrow(
      /run "other" has none of the 39 qrels queries/,
    );
    const one = { q01: qrels['q01']! };
    expect(() => runComparison(one, two, { metrics: ['ndcg@10'] })).toThrow(
      /"ndcg@10" is scored on 1 query; a paired test needs at least 2/,
    );
  });
});
