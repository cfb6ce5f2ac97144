import { describe, expect, it } from 'vitest';
import { evalRun } from '../../src/cli/commands/eval-run.js';
import { loadExpected, parseTrecEvalOutput, QRELS, RUN } from './fixtures.js';

const expected = loadExpected();

/** Parses `name \t all \t value` lines. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.trim().split('\n')) {
    const [name, qid, value] = line.split('\t').map((s) => s.trim());
    if (qid === 'all') out.set(name!, Number(value));
  }
  return out;
}

describe('kalelab eval-run', () => {
  it('prints the aggregates trec_eval prints, in its layout', async () => {
    const metrics =
      'map,recip_rank,p@10,recall@20,recall@100,ndcg@10,ndcg@1000,success@1,success@10';
    for (const [file, complete] of [
      ['trec_eval_v9.0.8_all_trec_q.txt', false],
      ['trec_eval_v9.0.8_all_trec_q_c.txt', true],
    ] as const) {
      const text = await evalRun({ qrels: QRELS, run: RUN, metrics, complete });
      expect(text.split('\n')[0]).toMatch(/^map {19}\tall\t0\.\d{4}$/);
      const ours = parse(text);
      const theirs = parseTrecEvalOutput(file).get('all')!;
      expect(ours.size).toBe(9);
      for (const [name, value] of ours) expect(value, name).toBe(theirs.get(name)); // same 4 decimals
    }
  });

  it('prints JSON with aggregate and perQuery at full precision', async () => {
    const text = await evalRun({ qrels: QRELS, run: RUN, metrics: 'ndcg@10,mrr@10', json: true });
    const parsed = JSON.parse(text) as {
      aggregate: Record<string, number>;
      perQuery: Record<string, Record<string, number>>;
    };
    expect(Object.keys(parsed)).toEqual(['aggregate', 'perQuery']);
    expect(parsed.aggregate['ndcg@10']).toBeCloseTo(
      expected.aggregates.trec_eval_default.values['ndcg_cut_10']!,
      12,
    );
    expect(parsed.aggregate['mrr@10']).toBeCloseTo(expected.aggregates.mrr_at_10_msmarco.value, 12);
    expect(parsed.perQuery['q01']!['ndcg@10']).toBeCloseTo(
      expected.queries['q01']!.trec_eval!['ndcg_cut_10']!,
      12,
    );
  });

  it('prints per-query lines with --per-query, and uses default metrics', async () => {
    const text = await evalRun({ qrels: QRELS, run: RUN, perQuery: true });
    expect(text).toMatch(/^map {19}\tq01\t0\.5000$/m);
    expect(text).toMatch(/^mrr@10 {16}\tall\t0\.3129$/m);
  });

  it('rejects unknown metrics with the allowed list', async () => {
    await expect(evalRun({ qrels: QRELS, run: RUN, metrics: 'ndcg@10,bpref' })).rejects.toThrow(
      /allowed:/,
    );
  });
});
