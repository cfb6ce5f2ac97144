import { describe, expect, it } from 'vitest';
import { evaluateRun } from '../../src/eval/metrics.js';
import { trecEvalOrder, compareBytes } from '../../src/eval/ranking.js';
import { readTrecQrels, readRun } from '../../src/eval/trec.js';
import { kalelabName, loadExpected, parseTrecEvalOutput, QRELS, RUN } from './fixtures.js';

const expected = loadExpected();
const qrels = await readTrecQrels(QRELS);
const run = await readRun(RUN);

const TREC_MEASURES = [
  'ndcg_cut_10',
  'recall_20',
  'recall_100',
  'recip_rank',
  'map',
  'P_10',
  'success_1',
  'success_5',
  'success_10',
  'success_20',
  'success_100',
];
const NAMES = TREC_MEASURES.map((m) => kalelabName(m)!);

describe('trec_eval ranking', () => {
  it('orders ids by bytes, descending on ties', () => {
    expect(['D10', 'D9', 'D100', 'D2'].sort((a, b) => compareBytes(b, a))).toEqual([
      'D9',
      'D2',
      'D100',
      'D10',
    ]);
    // UTF-8 byte order puts U+1F600 (4 bytes, F0…) after U+FF01 (EF…); UTF-16 order would not.
    expect(compareBytes('\u{1F600}', '\uFF01')).toBeGreaterThan(0);
    expect(compareBytes('a', 'ab')).toBeLessThan(0);
  });

  it('equals the oracle ranking of every run query', () => {
    let n = 0;
    for (const [qid, q] of Object.entries(expected.queries)) {
      if (!q.in_run || !q.trec_eval_ranking) continue;
      expect(trecEvalOrder(run[qid]!), qid).toEqual(q.trec_eval_ranking);
      n++;
    }
    expect(n).toBeGreaterThan(30);
  });
});

describe('evaluateRun against the oracle (1e-9)', () => {
  it('matches trec_eval per query and on average (default query set)', () => {
    const result = evaluateRun(qrels, run, NAMES);
    const agg = expected.aggregates.trec_eval_default;
    for (const [i, m] of TREC_MEASURES.entries()) {
      expect(result.aggregate[NAMES[i]!], m).toBeCloseTo(agg.values[m]!, 9);
      expect(result.numQueries[NAMES[i]!]).toBe(agg.num_q);
    }
    for (const [qid, q] of Object.entries(expected.queries)) {
      if (!q.evaluated_by_trec_eval_default) {
        expect(result.perQuery[qid], qid).toBeUndefined();
        continue;
      }
      for (const [i, m] of TREC_MEASURES.entries()) {
        expect(result.perQuery[qid]![NAMES[i]!], `${qid} ${m}`).toBeCloseTo(q.trec_eval![m]!, 9);
      }
    }
  });

  it('matches trec_eval -c (complete: every qrels query, missing ones 0)', () => {
    const result = evaluateRun(qrels, run, NAMES, { complete: true });
    const agg = expected.aggregates.trec_eval_complete;
    for (const [i, m] of TREC_MEASURES.entries()) {
      expect(result.aggregate[NAMES[i]!], m).toBeCloseTo(agg.values[m]!, 9);
      expect(result.numQueries[NAMES[i]!]).toBe(agg.num_q);
    }
    expect(result.perQuery['q09']!['map']).toBe(0);
    expect(result.perQuery['q10']).toBeUndefined();
  });

  it('matches the official MS MARCO MRR@10 over queries with a relevant document', () => {
    const result = evaluateRun(qrels, run, ['mrr@10']);
    const agg = expected.aggregates.mrr_at_10_msmarco;
    expect(result.aggregate['mrr@10']).toBeCloseTo(agg.value, 12);
    expect(result.numQueries['mrr@10']).toBe(agg.num_q);
    expect(Object.keys(result.perQuery).sort()).toEqual([...agg.queries].sort());
    for (const qid of agg.queries) {
      expect(result.perQuery[qid]!['mrr@10'], qid).toBeCloseTo(
        expected.queries[qid]!.mrr_at_10!,
        12,
      );
    }
    // q08: first relevant at rank 11: MRR@10 0 but recip_rank 1/11.
    const q08 = evaluateRun(qrels, run, ['recip_rank', 'mrr@10']).perQuery['q08']!;
    expect(q08['mrr@10']).toBe(0);
    expect(q08['recip_rank']).toBeCloseTo(1 / 11, 15);
  });

  it('matches DPR-style top-k accuracy on qrels', () => {
    const ks = ['1', '5', '10', '20', '100'];
    const result = evaluateRun(
      qrels,
      run,
      ks.map((k) => `accuracy@${k}`),
    );
    const agg = expected.aggregates.topk_accuracy;
    for (const k of ks) {
      expect(result.aggregate[`accuracy@${k}`], k).toBeCloseTo(agg.values[k]!, 12);
      for (const qid of agg.queries) {
        expect(result.perQuery[qid]![`accuracy@${k}`]).toBe(
          expected.queries[qid]!.topk_accuracy![k],
        );
      }
    }
  });
});

describe('evaluateRun against raw trec_eval output (5e-5)', () => {
  const cases: Array<[string, boolean]> = [
    ['trec_eval_v9.0.8_all_trec_q.txt', false],
    ['trec_eval_v9.0.8_all_trec_q_c.txt', true],
    ['trec_eval_v10.0_all_trec_q_c.txt', true],
  ];
  for (const [file, complete] of cases) {
    it(file, () => {
      const raw = parseTrecEvalOutput(file);
      const names = [...raw.get('all')!.keys()];
      expect(names.length).toBeGreaterThanOrEqual(30); // map, recip_rank, P_*, recall_*, ndcg_cut_*, success_*
      const result = evaluateRun(qrels, run, names, { complete });
      let compared = 0;
      for (const [qid, values] of raw) {
        for (const [name, value] of values) {
          const actual = qid === 'all' ? result.aggregate[name] : result.perQuery[qid]?.[name];
          expect(actual, `${qid} ${name}`).toBeDefined();
          expect(Math.abs(actual! - value), `${qid} ${name}`).toBeLessThanOrEqual(5e-5);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(1000);
    });
  }
});

describe('metric names and edge cases', () => {
  it('throws on unknown names, listing the allowed ones', () => {
    expect(() => evaluateRun(qrels, run, ['ndcg'])).toThrow(/allowed: ndcg@K, mrr@K/);
    expect(() => evaluateRun(qrels, run, ['ndcg@0'])).toThrow(/positive integer/);
    expect(() => evaluateRun(qrels, run, ['bpref'])).toThrow(/unknown metric "bpref"/);
    expect(() => evaluateRun(qrels, run, [])).toThrow(/no metrics/);
  });

  it('accepts trec_eval spellings and canonicalises them', () => {
    const r = evaluateRun(qrels, run, ['ndcg_cut_10', 'P_10', 'NDCG@20']);
    expect(Object.keys(r.aggregate)).toEqual(['ndcg@10', 'p@10', 'ndcg@20']);
  });

  it('does not change its inputs and averages an empty set to 0', () => {
    const q = { a: { d1: 1 } };
    const frozen = Object.freeze({ b: Object.freeze({ d1: 3 }) });
    const r = evaluateRun(q, frozen, ['map', 'mrr@10']);
    expect(r.aggregate).toEqual({ map: 0, 'mrr@10': 0 });
    expect(r.numQueries).toEqual({ map: 0, 'mrr@10': 1 });
  });

  it('uses linear gain for graded nDCG', () => {
    // ranking: grade 1 then grade 2; ideal: 2 then 1.
    const r = evaluateRun({ q: { a: 1, b: 2 } }, { q: { a: 2, b: 1 } }, ['ndcg@10']);
    const dcg = 1 + 2 / Math.log2(3);
    const idcg = 2 + 1 / Math.log2(3);
    expect(r.aggregate['ndcg@10']).toBeCloseTo(dcg / idcg, 15);
  });
});

describe('evaluateRun with ids shaped like Object.prototype members', () => {
  it('keeps "__proto__" and "constructor" queries as ordinary rows, changing no prototype', () => {
    const qrels = Object.fromEntries<Record<string, number>>([
      ['__proto__', { d: 1 }],
      ['constructor', { e: 1 }],
    ]);
    const run = Object.fromEntries<Record<string, number>>([
      ['__proto__', { d: 1 }],
      ['constructor', { toString: 2, e: 1 }],
    ]);
    const result = evaluateRun(qrels, run, ['recip_rank', 'mrr@10']);
    expect(Object.keys(result.perQuery).sort()).toEqual(['__proto__', 'constructor']);
    expect(result.perQuery['__proto__']!['recip_rank']).toBe(1);
    expect(result.perQuery['constructor']!['recip_rank']).toBe(0.5);
    expect(result.aggregate['recip_rank']).toBe(0.75);
    expect(({} as Record<string, unknown>)['recip_rank']).toBeUndefined();
  });
});
