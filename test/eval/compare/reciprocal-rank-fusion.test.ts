import { describe, expect, it } from 'vitest';
import {
  rankedIds,
  reciprocalRankFusion,
} from '../../../src/eval/compare/reciprocal-rank-fusion.js';
import { loadStatsOracle } from './stats-fixture.js';

const { fusion } = loadStatsOracle();

describe('reciprocalRankFusion', () => {
  it('matches the oracle (k = 60, ties by doc id ascending)', () => {
    const fused = reciprocalRankFusion([fusion.runs.r1, fusion.runs.r2]);
    expect(Object.keys(fused).sort()).toEqual(Object.keys(fusion.rrf_k60).sort());
    for (const [qid, docs] of Object.entries(fusion.rrf_k60)) {
      expect(Object.keys(fused[qid]!).sort()).toEqual(Object.keys(docs).sort());
      for (const [docid, s] of Object.entries(docs)) expect(fused[qid]![docid]).toBeCloseTo(s, 15);
    }
  });

  it('ranks ties by id ascending, cuts to depth and keeps odd ids as plain ids', () => {
    expect(rankedIds({ b: 1, a: 1, c: 2 })).toEqual(['c', 'a', 'b']);
    const odd = JSON.parse('{"q": {"__proto__": 2, "x": 1, "y": 0}}') as Record<
      string,
      Record<string, number>
    >;
    const fused = reciprocalRankFusion([odd], { depth: 2, k: 0 });
    expect(Object.keys(fused['q']!)).toEqual(['__proto__', 'x']);
    expect(fused['q']!['__proto__']).toBe(1);
  });

  it('rejects a NaN score and a bad k or depth', () => {
    expect(() => reciprocalRankFusion([{ q: { d: NaN } }])).toThrow(
      /run 0 query "q" document "d" has score NaN/,
    );
    expect(() => reciprocalRankFusion([{ q: { d: 1 } }], { k: -1 })).toThrow(/k must be ≥ 0/);
    expect(() => reciprocalRankFusion([{ q: { d: 1 } }], { depth: 0 })).toThrow(
      /depth must be a positive integer/,
    );
  });
});
