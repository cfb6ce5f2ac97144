import { beforeAll, describe, expect, it } from 'vitest';
import type { Qrels, Run } from '../../../src/data/types.js';
import { perQueryDeltas, perQueryScores } from '../../../src/eval/compare/per-query.js';
import { evaluateRun } from '../../../src/eval/metrics.js';
import { loadRuns } from './runs-fixture.js';

let qrels: Qrels;
let runs: Record<string, Run>;
beforeAll(async () => ({ qrels, runs } = await loadRuns()));

describe('perQueryScores', () => {
  it('scores every qrels query (trec_eval -c), mrr@K over those with a relevant document', () => {
    const s = perQueryScores(qrels, runs, ['ndcg_cut_10', 'mrr@10']);
    expect(s.metrics).toEqual(['ndcg@10', 'mrr@10']);
    expect(s.queries['ndcg@10']).toEqual(Object.keys(qrels).sort());
    const e = evaluateRun(qrels, runs['demoted']!, ['mrr@10']);
    expect(s.queries['mrr@10']).toEqual(
      Object.keys(e.perQuery)
        .filter((q) => 'mrr@10' in e.perQuery[q]!)
        .sort(),
    );
    s.queries['mrr@10']!.forEach((q, i) =>
      expect(s.scores['demoted']!['mrr@10']![i]).toBe(e.perQuery[q]!['mrr@10']),
    );
  });
});

describe('perQueryDeltas', () => {
  it('gives each non-baseline system its per-query deltas, sorted ascending', () => {
    const s = perQueryScores(qrels, runs, ['ndcg@10']);
    const t = perQueryDeltas(s, 'oracle', 'ndcg@10');
    expect(t.columnNames()).toEqual(['query', 'system', 'metric', 'baseline', 'score', 'delta']);
    expect(t.numRows()).toBe(2 * 39);
    type Row = { system: string; delta: number; score: number; baseline: number };
    const demoted = (t.objects() as Row[]).filter((r) => r.system === 'demoted');
    for (let i = 1; i < demoted.length; i++)
      expect(demoted[i]!.delta).toBeGreaterThanOrEqual(demoted[i - 1]!.delta);
    for (const r of demoted) expect(r.delta).toBeCloseTo(r.score - r.baseline, 15);
    expect(() => perQueryDeltas(s, 'nope', 'ndcg@10')).toThrow(/no scores for baseline "nope"/);
  });
});
