import { describe, expect, it } from 'vitest';
import { combMnz, combSum } from '../../../src/eval/compare/comb-fusion.js';
import { loadStatsOracle } from './stats-fixture.js';

const { fusion } = loadStatsOracle();

describe('combSum / combMnz', () => {
  it('CombSUM of min-max-normalised scores matches the oracle', () => {
    const fused = combSum([fusion.runs.r1, fusion.runs.r2]);
    for (const [qid, docs] of Object.entries(fusion.combsum_minmax)) {
      expect(Object.keys(fused[qid]!).sort()).toEqual(Object.keys(docs).sort());
      for (const [docid, s] of Object.entries(docs)) expect(fused[qid]![docid]).toBeCloseTo(s, 15);
    }
  });

  it('CombMNZ multiplies by the number of runs that retrieved the document', () => {
    const sum = combSum([fusion.runs.r1, fusion.runs.r2]);
    const mnz = combMnz([fusion.runs.r1, fusion.runs.r2]);
    expect(mnz['q1']!['d1']).toBeCloseTo(2 * sum['q1']!['d1']!, 15); // in both runs
    expect(mnz['q1']!['d2']).toBeCloseTo(sum['q1']!['d2']!, 15); // in r1 only
  });

  it('z-score normalisation and weights', () => {
    const fused = combSum([{ q: { a: 1, b: 3 } }, { q: { a: 10, b: 10 } }], {
      normalization: 'zscore',
      weights: [2, 1],
    });
    expect(fused['q']).toEqual({ a: -2, b: 2 });
    expect(() => combSum([{ q: { a: 1 } }], { weights: [1, 2] })).toThrow(
      /weights must be 1 finite numbers/,
    );
    expect(() => combSum([{ q: { a: 1 } }], { normalization: 'rank' as never })).toThrow(
      /unknown normalization "rank"/,
    );
  });
});
