import { describe, expect, it } from 'vitest';
import type { ResultRow, RowComparison } from '../../src/data/types.js';
import {
  describeEffects,
  formatP,
  gridEffects,
  planRowId,
  rowLabel,
} from '../../src/experiment/index.js';

const cmp = (against: ResultRow['method'], k: number, delta: number, p: number): RowComparison => ({
  against,
  againstQueryLayers: k,
  metric: 'mrr@10',
  delta,
  pValue: p,
  test: 'randomization',
  queries: 180,
});

const row = (method: ResultRow['method'], q: number, comparison: RowComparison | null) =>
  ({ dataset: 'senses', method, queryLayers: q, comparison }) as unknown as ResultRow;

describe('describeEffects', () => {
  it('says which effects hold at p < 0.05 and which do not, per dataset', () => {
    const rows = [
      row('bm25', 0, null),
      row('full', 4, null),
      row('pruned', 1, cmp('full', 4, -0.021, 0.17)),
      row('kale-kl', 1, cmp('pruned', 1, 0.012, 0.27)),
      row('half-depth', 2, cmp('full', 4, 0.059, 0.0001)),
    ];
    const effects = gridEffects(rows);
    expect(effects.map((e) => e.row)).toEqual(['pruned q1', 'kale-kl q1', 'half-depth']);
    expect(describeEffects(effects)).toBe(
      'senses: differences in mrr@10 over 180 test queries, paired randomization test ' +
        '(two-sided, seeded). Hold at p < 0.05: half-depth vs full (+0.059, p < 0.001). ' +
        'Do not hold (may be noise): pruned q1 vs full (−0.021, p = 0.17); ' +
        'kale-kl q1 vs pruned q1 (+0.012, p = 0.27).',
    );
    expect(describeEffects(gridEffects([row('pruned', 1, cmp('full', 4, -0.1, 0.01))]))).toMatch(
      /Hold at p < 0\.05: pruned q1 vs full \(−0\.100, p = 0\.010\)\. Do not hold \(may be noise\): none\.$/,
    );
  });

  it('names rows as tables do and as the plan does', () => {
    expect(rowLabel('asym+kale', 1)).toBe('asym+kale q1');
    expect(rowLabel('half-depth', 2)).toBe('half-depth');
    expect(planRowId('asym+kale', 1)).toBe('asym+kale-q1');
    expect(planRowId('full', 4)).toBe('full');
    expect(formatP(0.0499)).toBe('p = 0.0499'); // not "0.050": it is below 0.05
    expect(formatP(0.05)).toBe('p = 0.050');
    expect(formatP(0.004199)).toBe('p = 0.0042');
    expect(formatP(0.0009)).toBe('p < 0.001');
  });
});
