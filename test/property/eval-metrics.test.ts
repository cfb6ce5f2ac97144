/**
 * Properties of src/eval/metrics.ts, ranking.ts and trec.ts together on generated qrels and
 * runs: every metric lies in [0, 1]; recall@K, accuracy@K, success@K and mrr@K never fall
 * as K grows; the ranking is trec_eval's (score descending, ties by doc id descending in
 * UTF-8 byte order, checked against Buffer.compare); and evaluating a run file does not
 * depend on the order of its lines or on its rank column.
 */
import fc from 'fast-check';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareBytes, evaluateRun, readRun, trecEvalOrder } from '../../src/eval/index.js';
import type { Qrels, Run } from '../../src/data/index.js';
import { useTempDir } from '../temp-dir.js';
import { check } from './check.js';

const DOCS = ['d1', 'd2', 'd10', 'd9', 'D9', 'x', 'é', '日本', 'a-b', 'z_0'];
const QUERIES = ['q1', 'q2', 'q3', 'q10'];
/** Few distinct scores, so ties are common. */
const score = fc.oneof(fc.constantFrom(0, 1, 2.5, -1), fc.double({ min: -5, max: 5, noNaN: true }));

const docScores = fc.dictionary(fc.constantFrom(...DOCS), score, { maxKeys: DOCS.length });
const judgements = fc.dictionary(fc.constantFrom(...DOCS), fc.integer({ min: -1, max: 3 }), {
  maxKeys: DOCS.length,
});
const qrelsArb: fc.Arbitrary<Qrels> = fc.dictionary(fc.constantFrom(...QUERIES), judgements, {
  maxKeys: QUERIES.length,
});
/** A run file cannot hold a query without documents, so neither do generated runs. */
const runArb: fc.Arbitrary<Run> = fc.dictionary(
  fc.constantFrom(...QUERIES),
  docScores.filter((d) => Object.keys(d).length > 0),
  {
    maxKeys: QUERIES.length,
  },
);

const KS = [1, 2, 3, 5, 10, 20];
const BOUNDED = [
  'map',
  'recip_rank',
  ...['ndcg', 'recall', 'p', 'mrr', 'accuracy', 'success'].flatMap((f) =>
    KS.map((k) => `${f}@${k}`),
  ),
];
const MONOTONE = ['recall', 'accuracy', 'success', 'mrr'];

describe('metrics on generated qrels and runs', () => {
  it('every per-query value and every mean lies in [0, 1], with and without -c', async (context) => {
    await check(
      context,
      fc.property(qrelsArb, runArb, fc.boolean(), (qrels, run, complete) => {
        const e = evaluateRun(qrels, run, BOUNDED, { complete });
        for (const v of Object.values(e.aggregate)) expect(v >= 0 && v <= 1, String(v)).toBe(true);
        for (const values of Object.values(e.perQuery))
          for (const [name, v] of Object.entries(values))
            expect(v >= 0 && v <= 1, `${name} = ${v}`).toBe(true);
      }),
    );
  });

  it('recall@K, accuracy@K, success@K and mrr@K never decrease as K grows', async (context) => {
    await check(
      context,
      fc.property(qrelsArb, runArb, (qrels, run) => {
        const e = evaluateRun(
          qrels,
          run,
          MONOTONE.flatMap((f) => KS.map((k) => `${f}@${k}`)),
        );
        for (const [q, values] of Object.entries(e.perQuery))
          for (const f of MONOTONE.filter((m) => `${m}@1` in values))
            for (let i = 1; i < KS.length; i++)
              expect(values[`${f}@${KS[i]}`]!, `${q} ${f}@${KS[i]}`).toBeGreaterThanOrEqual(
                values[`${f}@${KS[i - 1]}`]!,
              );
      }),
    );
  });

  it('p@K of a query with R relevant retrieved in the top K equals R / K (always divides by K)', async (context) => {
    await check(
      context,
      fc.property(judgements, docScores, fc.constantFrom(...KS), (judged, scores, k) => {
        const order = trecEvalOrder(scores).slice(0, k);
        const relevant = order.filter((d) => (judged[d] ?? 0) >= 1).length;
        const e = evaluateRun({ q: judged }, { q: scores }, [`p@${k}`]);
        expect(e.perQuery.q![`p@${k}`]).toBeCloseTo(relevant / k, 12);
      }),
    );
  });
});

describe("trec_eval's order", () => {
  const wellFormed = fc.string({ unit: 'grapheme', maxLength: 6 });

  it('compareBytes has the sign of a UTF-8 byte comparison (strcmp) for any well-formed strings', async (context) => {
    await check(
      context,
      fc.property(wellFormed, wellFormed, (a, b) => {
        expect(Math.sign(compareBytes(a, b))).toBe(
          Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))),
        );
      }),
      500,
    );
  });

  it('ranks by score descending, equal scores by doc id descending in byte order', async (context) => {
    const ids = fc.uniqueArray(
      wellFormed.filter((s) => s !== ''),
      { maxLength: 12 },
    );
    await check(
      context,
      fc.property(
        ids,
        fc.array(fc.constantFrom(0, 1, 2), { minLength: 12, maxLength: 12 }),
        (docIds, s) => {
          const scores: Record<string, number> = Object.create(null) as Record<string, number>;
          docIds.forEach((d, i) => (scores[d] = s[i]!));
          const order = trecEvalOrder(scores);
          expect([...order].sort()).toEqual([...docIds].sort());
          for (let i = 1; i < order.length; i++) {
            const [a, b] = [order[i - 1]!, order[i]!];
            if (scores[a] === scores[b])
              expect(Buffer.compare(Buffer.from(a), Buffer.from(b)), `${a} before ${b}`).toBe(1);
            else expect(scores[a]!).toBeGreaterThan(scores[b]!);
          }
        },
      ),
    );
  });
});

describe('a run file evaluates the same whatever the order of its lines', () => {
  const dir = useTempDir('prop-run');
  let file = 0;

  it('shuffled lines and arbitrary rank columns give the same evaluation as the run itself', async (context) => {
    const lines = runArb.chain((run) => {
      const rows = Object.entries(run).flatMap(([q, docs]) =>
        Object.entries(docs).map(([d, s]) => ({ q, d, s })),
      );
      return fc.tuple(
        fc.constant(run),
        fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }),
        fc.array(fc.nat(1000), { minLength: rows.length, maxLength: rows.length }),
      );
    });
    await check(
      context,
      fc.asyncProperty(qrelsArb, lines, async (qrels, [run, rows, ranks]) => {
        const path = join(dir(), `run-${file++}.txt`);
        const text = rows.map((r, i) => `${r.q}\tQ0 ${r.d}  ${ranks[i]} ${String(r.s)} tag\n`);
        await writeFile(path, text.join(''));
        const read = await readRun(path);
        expect(evaluateRun(qrels, read, BOUNDED)).toEqual(evaluateRun(qrels, run, BOUNDED));
      }),
    );
  });
});
