import { describe, expect, it } from 'vitest';
import type { RetrievalDataset } from '../../src/data/types.js';
import { Bm25Index } from '../../src/retrieval/index.js';
import { datasetMetrics, evaluateBm25, scoreRun } from '../../src/eval/index.js';

const corpus = {
  d1: { title: '', text: 'paris is the capital of france' },
  d2: { title: '', text: 'berlin is the capital of germany' },
  d3: { title: '', text: 'rome is in italy' },
};
const qrels = { q1: { d1: 1 }, q2: { d3: 1 } };
const run = { q1: { d2: 2, d1: 1 }, q2: { d2: 3, d1: 2 } };

describe('scoreRun', () => {
  it('puts the main metric first and takes accuracy@K from qrels without answers', () => {
    const dataset: RetrievalDataset = { name: 't', corpus, splits: {}, mainMetric: 'ndcg@10' };
    const queries = { q1: { text: 'capital of france' }, q2: { text: 'italy' } };
    const metrics = scoreRun(dataset, queries, qrels, run, datasetMetrics(dataset));
    expect(Object.keys(metrics)).toEqual([
      'ndcg@10',
      'mrr@10',
      'recall@100',
      'accuracy@20',
      'accuracy@100',
    ]);
    expect(metrics['mrr@10']).toBeCloseTo((1 / 2 + 0) / 2, 12);
    expect(metrics['accuracy@20']).toBe(0.5); // q2's relevant d3 is never retrieved
  });

  it('takes accuracy@K from answer strings when the queries carry answers', () => {
    const dataset: RetrievalDataset = { name: 't', corpus, splits: {}, mainMetric: 'accuracy@20' };
    const queries = {
      q1: { text: 'capital of france', answers: ['paris'] },
      q2: { text: 'x', answers: ['berlin'] },
    };
    const metrics = scoreRun(dataset, queries, qrels, run, ['accuracy@1', 'mrr@10']);
    // Answers: q1's top-1 (d2) lacks "paris"; q2's top-1 (d2) holds "berlin".
    expect(metrics).toEqual({ 'accuracy@1': 0.5, 'mrr@10': 0.25 });
  });

  it('scores a list of answer-based metrics only (no qrels metric to compute)', () => {
    const dataset: RetrievalDataset = { name: 't', corpus, splits: {}, mainMetric: 'accuracy@20' };
    const queries = {
      q1: { text: 'capital of france', answers: ['paris'] },
      q2: { text: 'x', answers: ['berlin'] },
    };
    // Top 20: q1 gets d1 ("paris") at rank 2, q2 d2 ("berlin") at rank 1.
    expect(scoreRun(dataset, queries, qrels, run, ['accuracy@20', 'accuracy@1'])).toEqual({
      'accuracy@20': 1,
      'accuracy@1': 0.5,
    });
    expect(() => scoreRun(dataset, queries, qrels, run, [])).toThrow('scoreRun: no metrics given');
  });
});

describe('evaluateBm25', () => {
  it('scores BM25 on the test split', () => {
    const dataset: RetrievalDataset = {
      name: 't',
      corpus,
      splits: {
        test: { queries: { q1: { text: 'capital of france' }, q2: { text: 'italy' } }, qrels },
      },
      mainMetric: 'mrr@10',
    };
    const result = evaluateBm25(Bm25Index.build(corpus), dataset);
    expect(result.numQueries).toBe(2);
    expect(result.metrics['mrr@10']).toBe(1);
  });
});
