/**
 * Speed of the comparison path: nDCG@10 and MRR@10 of Q synthetic queries × D documents
 * through the typed-array fast path (evaluatePacked; the packing from objects timed apart),
 * the object path (evaluateRun) on a slice of them for reference, and a paired randomization
 * test of P permutations over N queries. One thread; prints one JSON object.
 * Peer figure (not run here): ranx (Numba) evaluates nDCG on 1M × 100 in about 3.4 s
 * (0.3M queries/s, its own benchmark).
 *
 *   npx tsx bench/eval-compare.ts                       # full size: 1,000,000 × 100; 10,000 × 5,000
 *   npx tsx bench/eval-compare.ts --queries 20000 --object-queries 2000 --permutations 1000
 */
import { performance } from 'node:perf_hooks';
import type { Qrels, Run } from '../src/data/types.js';
import { evaluatePacked, packRun, type Packed } from '../src/eval/compare/packed-eval.js';
import { randomizationTest } from '../src/eval/compare/randomization.js';
import { evaluateRun } from '../src/eval/metrics.js';
import { Random } from '../src/util/random.js';
import { numberArg } from './lib/args.js';

const queries = numberArg('queries', 1_000_000);
const docsPerQuery = numberArg('docs', 100);
const objectQueries = numberArg('object-queries', 20_000);
const permutations = numberArg('permutations', 10_000);
const testQueries = numberArg('test-queries', 5_000);
const METRICS = ['ndcg@10', 'mrr@10'];

/** Q × D random scores (ties possible), doc ids 0..D−1 per query; 1–5 relevant docs, grades 1–2. */
function synthesize(random: Random): Packed {
  const runOffsets = new Int32Array(queries + 1);
  const docs = new Int32Array(queries * docsPerQuery);
  const scores = new Float64Array(docs.length);
  const qrelsOffsets = new Int32Array(queries + 1);
  const judged: number[] = [];
  const grades: number[] = [];
  for (let q = 0; q < queries; q++) {
    for (let d = 0; d < docsPerQuery; d++) {
      docs[q * docsPerQuery + d] = d;
      scores[q * docsPerQuery + d] = Math.round(random.next() * 1e4) / 1e4;
    }
    runOffsets[q + 1] = (q + 1) * docsPerQuery;
    const relevant = 1 + random.int(5);
    for (let r = 0; r < relevant; r++) {
      judged.push(r * 17 + random.int(17));
      grades.push(1 + random.int(2));
    }
    qrelsOffsets[q + 1] = judged.length;
  }
  return {
    queries: Array.from({ length: queries }, (_, i) => `q${i}`),
    run: { offsets: runOffsets, docs, scores },
    qrels: {
      offsets: qrelsOffsets,
      docs: Int32Array.from(judged),
      grades: Int32Array.from(grades),
    },
  };
}

/** The first `n` packed queries as ordinary qrels and run objects. */
function toObjects(p: Packed, n: number): { qrels: Qrels; run: Run } {
  const qrels: Record<string, Record<string, number>> = {};
  const run: Record<string, Record<string, number>> = {};
  for (let q = 0; q < n; q++) {
    const docs: Record<string, number> = {};
    for (let i = p.run.offsets[q]!; i < p.run.offsets[q + 1]!; i++)
      docs[`d${String(p.run.docs[i]).padStart(3, '0')}`] = p.run.scores[i]!;
    run[p.queries[q]!] = docs;
    const judged: Record<string, number> = {};
    for (let j = p.qrels.offsets[q]!; j < p.qrels.offsets[q + 1]!; j++)
      judged[`d${String(p.qrels.docs[j]).padStart(3, '0')}`] = p.qrels.grades[j]!;
    qrels[p.queries[q]!] = judged;
  }
  return { qrels, run };
}

function seconds(t0: number): number {
  return +((performance.now() - t0) / 1000).toFixed(3);
}

const random = new Random(1);
const packed = synthesize(random);
let t0 = performance.now();
const fast = evaluatePacked(packed, METRICS);
const fastSeconds = seconds(t0);

const slice = toObjects(packed, Math.min(objectQueries, queries));
t0 = performance.now();
const slow = evaluateRun(slice.qrels, slice.run, METRICS, { complete: true });
const objectSeconds = seconds(t0);
t0 = performance.now();
packRun(slice.qrels, slice.run);
const packSeconds = seconds(t0);
const head = evaluatePacked(
  { ...packed, queries: packed.queries.slice(0, Math.min(objectQueries, queries)) },
  METRICS,
);

const a = Float64Array.from({ length: testQueries }, () => random.next());
const b = Float64Array.from(a, (x) => Math.min(1, Math.max(0, x + 0.01 * random.normal())));
t0 = performance.now();
const test = randomizationTest(a, b, { permutations, seed: 0 });
const testSeconds = seconds(t0);

console.log(
  JSON.stringify(
    {
      threads: 1,
      metrics: METRICS,
      packed: {
        queries,
        docsPerQuery,
        seconds: fastSeconds,
        queriesPerSecond: Math.round(queries / fastSeconds),
        aggregate: fast.aggregate,
      },
      evaluateRun: {
        queries: Math.min(objectQueries, queries),
        seconds: objectSeconds,
        queriesPerSecond: Math.round(Math.min(objectQueries, queries) / objectSeconds),
        packRunSeconds: packSeconds,
        sameAsPacked: METRICS.every(
          (m) => Math.abs(slow.aggregate[m]! - head.aggregate[m]!) < 1e-12,
        ),
      },
      randomization: {
        queries: testQueries,
        permutations,
        seconds: testSeconds,
        pValue: test.pValue,
      },
      peers: {
        ranx: {
          queries: 1_000_000,
          docsPerQuery: 100,
          seconds: 3.4,
          queriesPerSecond: 300_000,
          source: 'ranx README benchmark (Numba, one thread)',
        },
      },
    },
    null,
    2,
  ),
);
