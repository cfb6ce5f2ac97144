import { describe, expect, it } from 'vitest';
import { evaluatePacked, packRun } from '../../../src/eval/compare/packed-eval.js';
import { evaluateRun } from '../../../src/eval/metrics.js';
import { readTrecQrels, readRun } from '../../../src/eval/trec.js';
import { Random } from '../../../src/util/random.js';
import { QRELS, RUN } from '../fixtures.js';

const METRICS = [
  'ndcg@10',
  'mrr@10',
  'recall@100',
  'recall@5',
  'p@10',
  'success@1',
  'accuracy@20',
  'map',
  'recip_rank',
  'ndcg@3',
];

function expectSame(
  qrels: Parameters<typeof evaluateRun>[0],
  run: Parameters<typeof evaluateRun>[1],
): void {
  const want = evaluateRun(qrels, run, METRICS, { complete: true });
  const packed = packRun(qrels, run);
  const got = evaluatePacked(packed, METRICS);
  for (const m of METRICS) {
    expect(got.numQueries[m]).toBe(want.numQueries[m]);
    expect(got.aggregate[m]).toBeCloseTo(want.aggregate[m]!, 14);
    packed.queries.forEach((q, i) => {
      const v = want.perQuery[q]?.[m];
      if (v !== undefined) expect(got.perQuery[m]![i]).toBeCloseTo(v, 14);
    });
  }
}

describe('evaluatePacked', () => {
  it('equals evaluateRun (complete) on the trec_eval oracle run', async () => {
    const [qrels, run] = await Promise.all([readTrecQrels(QRELS), readRun(RUN)]);
    expectSame(qrels, run);
  });

  it('equals evaluateRun on random runs with tied scores, graded qrels and byte-ordered ids', () => {
    const random = new Random(11);
    const qrels: Record<string, Record<string, number>> = {};
    const run: Record<string, Record<string, number>> = {};
    for (let q = 0; q < 300; q++) {
      const qid = `q${q}`;
      const n = random.int(120);
      const docs: Record<string, number> = {};
      for (let d = 0; d < n; d++)
        docs[`D${random.int(400)}${d % 7 === 0 ? 'é' : ''}`] = random.int(6) / 2;
      if (q % 10 !== 3) run[qid] = docs;
      const judged: Record<string, number> = {};
      const ids = Object.keys(docs);
      for (let j = 0; j < 1 + random.int(6); j++)
        judged[ids[random.int(ids.length)] ?? `U${j}`] = random.int(4) - (q % 13 === 0 ? 1 : 0);
      judged[`unretrieved${q}`] = random.int(3);
      qrels[qid] = judged;
    }
    expectSame(qrels, run);
  });

  it('breaks ties in byte order also for ids beyond the BMP (UTF-16 order differs there)', () => {
    // U+1F600 (a surrogate pair) sorts after U+E000 in bytes, before it in UTF-16 code units.
    const run = { q: { 'd\u{E000}': 1, 'd\u{1F600}': 1, d0: 1 } };
    const qrels = { q: { 'd\u{1F600}': 1, other: 1 } };
    expectSame(qrels, run);
    const packed = packRun(qrels, run);
    expect(evaluatePacked(packed, ['mrr@1']).aggregate['mrr@1']).toBe(1); // d😀 ranks first
  });
});
