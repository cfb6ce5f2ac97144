/**
 * BM25 on real data: SciFact test (nDCG@10, Recall@100; published BEIR BM25 0.665) and
 * SQuAD 2.0 dev answerable (DPR top-20/100 answer accuracy over dpr-test.json, and the
 * qrels-based accuracy), for a few (k1, b) settings. Reads the datasets by path with a
 * small local reader (KALELAB_DATASETS, default ../shared/datasets); prints one JSON object.
 *
 *   npx tsx bench/retrieval-bm25.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Corpus, Qrels, Queries } from '../src/data/types.js';
import { answerAccuracy } from '../src/eval/answers.js';
import { evaluateRun } from '../src/eval/metrics.js';
import { Bm25Index } from '../src/retrieval/bm25.js';

const root = process.env['KALELAB_DATASETS'] ?? '../shared/datasets';

function jsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function beirCorpus(dir: string): Corpus {
  const corpus: Record<string, { title: string; text: string }> = {};
  for (const r of jsonl<{ _id: string; title?: string; text: string }>(join(dir, 'corpus.jsonl'))) {
    corpus[r._id] = { title: r.title ?? '', text: r.text };
  }
  return corpus;
}

function beirQrels(path: string): Qrels {
  const qrels: Record<string, Record<string, number>> = {};
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    const [q, d, s] = line.split('\t');
    if (!q || !d || s === undefined) continue;
    (qrels[q] ??= {})[d] = Number(s);
  }
  return qrels;
}

function scifact(settings: ReadonlyArray<{ k1: number; b: number }>): unknown[] {
  const dir = join(root, 'scifact');
  const corpus = beirCorpus(dir);
  const qrels = beirQrels(join(dir, 'qrels', 'test.tsv'));
  const queries: Record<string, { text: string }> = {};
  for (const r of jsonl<{ _id: string; text: string }>(join(dir, 'queries.jsonl'))) {
    if (qrels[r._id]) queries[r._id] = { text: r.text };
  }
  return settings.map(({ k1, b }) => {
    const t0 = performance.now();
    const index = Bm25Index.build(corpus, { k1, b });
    const t1 = performance.now();
    const run = index.searchAll(queries, 1000);
    const t2 = performance.now();
    const ev = evaluateRun(qrels, run, ['ndcg@10', 'recall@100', 'mrr@10']);
    return {
      k1,
      b,
      docs: index.numDocs,
      terms: index.numTerms,
      queries: Object.keys(queries).length,
      ...ev.aggregate,
      indexSeconds: +((t1 - t0) / 1000).toFixed(2),
      queriesPerSecond: Math.round(Object.keys(queries).length / ((t2 - t1) / 1000)),
    };
  });
}

function squad(settings: ReadonlyArray<{ k1: number; b: number }>): unknown[] {
  const dir = join(root, 'squad-v2-dev-answerable');
  const corpus = beirCorpus(dir);
  const items = JSON.parse(readFileSync(join(dir, 'dpr-test.json'), 'utf8')) as Array<{
    question: string;
    answers: string[];
    positive_ctxs: Array<{ passage_id: string }>;
  }>;
  const queries: Record<string, { text: string; answers: string[] }> = {};
  const qrels: Record<string, Record<string, number>> = {};
  items.forEach((it, i) => {
    queries[`q${i}`] = { text: it.question, answers: it.answers };
    qrels[`q${i}`] = Object.fromEntries(it.positive_ctxs.map((c) => [c.passage_id, 1]));
  });
  return settings.map(({ k1, b }) => {
    const index = Bm25Index.build(corpus, { k1, b });
    const t0 = performance.now();
    const run = index.searchAll(queries as Queries, 100);
    const t1 = performance.now();
    const answers = answerAccuracy(queries, run, corpus, [1, 5, 20, 100]);
    const withTitle = answerAccuracy(queries, run, corpus, [20, 100], { includeTitle: true });
    const byQrels = evaluateRun(qrels, run, ['accuracy@20', 'accuracy@100', 'mrr@10']);
    return {
      k1,
      b,
      docs: index.numDocs,
      queries: answers.numQueries,
      answerAccuracy: answers.aggregate,
      answerAccuracyWithTitle: withTitle.aggregate,
      qrelsMetrics: byQrels.aggregate,
      queriesPerSecond: Math.round(items.length / ((t1 - t0) / 1000)),
    };
  });
}

const settings = [
  { k1: 0.9, b: 0.4 },
  { k1: 1.2, b: 0.75 },
];
console.log(JSON.stringify({ scifact: scifact(settings), squad: squad(settings) }, null, 2));
