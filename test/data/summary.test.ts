import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  countWords,
  datasetFingerprint,
  lengthStats,
  loadBeir,
  summarizeDataset,
  summaryRows,
  summaryTable,
  type RetrievalDataset,
} from '../../src/data/index.js';
import { FIXTURES } from './helpers.js';

describe('countWords and lengthStats', () => {
  it('counts runs of letters and digits, not punctuation', () => {
    expect(countWords('')).toBe(0);
    expect(countWords("Don't stop -- 3 times, café!")).toBe(5);
    expect(countWords('  a\tb\nc ')).toBe(3);
  });

  it('gives nearest-rank percentiles', () => {
    const s = lengthStats([5, 1, 4, 2, 3, 10, 6, 7, 8, 9]);
    expect(s).toEqual({ count: 10, mean: 5.5, min: 1, p50: 5, p90: 9, p99: 10, max: 10 });
    expect(lengthStats([])).toEqual({ count: 0, mean: 0, min: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});

describe('summarizeDataset', () => {
  it('counts documents, queries, qrels pairs, relevant docs and answers per split', async () => {
    const d = await loadBeir(join(FIXTURES, 'beir-mini'));
    const s = summarizeDataset(d);
    expect(s.name).toBe('beir-mini');
    expect(s.documents).toBe(4);
    expect(s.docWords).toMatchObject({ min: 9, max: 13, p50: 10, mean: 11 });
    expect(s.splits.train).toMatchObject({ queries: 2, qrels: 3, queriesWithAnswers: 1 });
    // q2 has d2 (grade 2) and d1 (grade 0): one relevant
    expect(s.splits.train!.relevantPerQuery).toMatchObject({ mean: 1, max: 1 });
    expect(s.splits.test).toMatchObject({ queries: 2, qrels: 2 });
    expect(s.splits.test!.queryWords).toMatchObject({ min: 3, max: 5, mean: 4 });
    expect(s.load).toEqual({ linesRead: 16, issues: 0, skipped: { 'blank-line': 1 } });
    expect(s.docTokens).toBeUndefined();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('adds token statistics from a caller’s counter, and hard negatives', () => {
    const d: RetrievalDataset = {
      name: 'toy',
      mainMetric: 'mrr@10',
      corpus: { a: { title: 'A', text: 'x y' }, b: { title: '', text: 'z' } },
      splits: {
        train: {
          queries: { q: { text: 'x' } },
          qrels: { q: { a: 1 } },
          hardNegatives: { q: ['b'] },
        },
      },
    };
    const s = summarizeDataset(d, { countTokens: (t) => t.length });
    expect(s.docTokens).toMatchObject({ min: 1, max: 5 });
    expect(s.splits.train!.queryTokens).toMatchObject({ mean: 1 });
    expect(s.splits.train!.hardNegativesPerQuery).toMatchObject({ mean: 1 });
    const rows = summaryRows(s);
    expect(rows.map((r) => [r.part, r.items, r.qrels, r.hardNegatives, r.tokensMean])).toEqual([
      ['corpus', 2, null, null, 3],
      ['train', 1, 1, 1, 1],
    ]);
  });

  it('gives an arquero table with one row per part', async () => {
    const t = summaryTable(summarizeDataset(await loadBeir(join(FIXTURES, 'beir-mini'))));
    expect(t.numRows()).toBe(3);
    expect(t.array('part')).toEqual(['corpus', 'train', 'test']);
    expect(t.array('items')).toEqual([4, 2, 2]);
    expect(t.columnNames()).toContain('wordsP90');
  });
});

describe('datasetFingerprint', () => {
  const base: RetrievalDataset = {
    name: 'toy',
    mainMetric: 'mrr@10',
    corpus: { a: { title: 'A', text: 'x' }, b: { title: '', text: 'y' } },
    splits: { test: { queries: { q: { text: 'x' } }, qrels: { q: { a: 1 } } } },
  };

  it('ignores key order and sees every text, id and grade', () => {
    const reordered: RetrievalDataset = {
      ...base,
      corpus: { b: base.corpus['b']!, a: base.corpus['a']! },
    };
    expect(datasetFingerprint(reordered)).toBe(datasetFingerprint(base));
    const changes: RetrievalDataset[] = [
      { ...base, corpus: { ...base.corpus, b: { title: '', text: 'y!' } } },
      { ...base, splits: { test: { queries: { q: { text: 'x' } }, qrels: { q: { a: 2 } } } } },
      { ...base, splits: { dev: base.splits.test! } },
      {
        ...base,
        splits: { test: { queries: { q: { text: 'x', answers: ['x'] } }, qrels: { q: { a: 1 } } } },
      },
    ];
    for (const c of changes) expect(datasetFingerprint(c)).not.toBe(datasetFingerprint(base));
    expect(datasetFingerprint(base)).toMatch(/^[0-9a-f]{64}$/);
  });
});
