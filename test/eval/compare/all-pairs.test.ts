import { beforeAll, describe, expect, it } from 'vitest';
import type { Qrels, Run } from '../../../src/data/types.js';
import { compareAllPairs, comparePairs } from '../../../src/eval/compare/all-pairs.js';
import { perQueryScores } from '../../../src/eval/compare/per-query.js';
import { tukeyHsd } from '../../../src/eval/compare/tukey-hsd.js';
import { loadRuns } from './runs-fixture.js';

let qrels: Qrels;
let runs: Record<string, Run>;
beforeAll(async () => ({ qrels, runs } = await loadRuns()));

describe('comparePairs', () => {
  it("runs Tukey's HSD over all pairs by default", () => {
    const rows = comparePairs(qrels, runs, { metrics: ['ndcg@10'] });
    const s = perQueryScores(qrels, runs, ['ndcg@10']).scores;
    const want = tukeyHsd({
      oracle: s['oracle']!['ndcg@10']!,
      demoted: s['demoted']!['ndcg@10']!,
      fused: s['fused']!['ndcg@10']!,
    });
    expect(rows.map((r) => `${r.a}-${r.b}`)).toEqual([
      'oracle-demoted',
      'oracle-fused',
      'demoted-fused',
    ]);
    rows.forEach((r, i) => {
      expect(r.pValue).toBe(want[i]!.pValue);
      expect(r.pAdjusted).toBe(r.pValue);
      expect(r.delta).toBeCloseTo(want[i]!.delta, 14);
    });
  });

  it('or a paired test with a correction over all pairs of a metric', () => {
    const rows = comparePairs(qrels, runs, {
      metrics: ['ndcg@10', 'recall@100'],
      test: 'paired-t',
      correction: 'bonferroni',
    });
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      expect(r.pAdjusted).toBeCloseTo(Math.min(1, 3 * r.pValue), 15);
      expect(r.wins! + r.ties! + r.losses!).toBe(39);
    }
    expect(compareAllPairs(qrels, runs, { metrics: ['ndcg@10'] }).numRows()).toBe(3);
    expect(() => comparePairs(qrels, { a: runs['oracle']! })).toThrow(/at least 2 runs/);
  });
});
