import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadDataset, parseDatasetSpec, parseWordNetPath } from '../../src/data/index.js';
import { FIXTURES } from './helpers.js';

describe('parseDatasetSpec', () => {
  it('splits KIND:PATH at the first colon', () => {
    expect(parseDatasetSpec('beir:../data/scifact')).toEqual({
      kind: 'beir',
      path: '../data/scifact',
    });
    expect(parseDatasetSpec('dpr:C:/data/nq-dev.json')).toEqual({
      kind: 'dpr',
      path: 'C:/data/nq-dev.json',
    });
    expect(parseDatasetSpec('wordnet-senses')).toEqual({ kind: 'wordnet-senses', path: '' });
    expect(parseDatasetSpec('wordnet-definitions:quick')).toEqual({
      kind: 'wordnet-definitions',
      path: 'quick',
    });
  });

  it('names the bad kind and what is allowed; file kinds need a path', () => {
    expect(() => parseDatasetSpec('trec:x')).toThrow(
      'dataset spec "trec:x": unknown kind "trec"; allowed: wordnet-senses, wordnet-definitions, beir, dpr, msmarco',
    );
    expect(() => parseDatasetSpec('msmarco:')).toThrow(/msmarco needs a path/);
    expect(() => parseDatasetSpec('beir')).toThrow(/beir needs a path/);
  });
});

describe('parseWordNetPath', () => {
  it('reads a preset and key=value options', () => {
    expect(parseWordNetPath('')).toEqual({ preset: 'full', options: {} });
    expect(parseWordNetPath('quick')).toEqual({ preset: 'quick', options: {} });
    expect(parseWordNetPath('full, seed=7,maxQueries=all')).toEqual({
      preset: 'full',
      options: { seed: 7, maxQueries: null },
    });
    expect(
      parseWordNetPath('maxQueries=500,corpus=related,pos=n+v,minQueryWords=2,maxHardNegatives=4'),
    ).toEqual({
      preset: 'full',
      options: {
        maxQueries: 500,
        corpus: 'related',
        pos: ['n', 'v'],
        minQueryWords: 2,
        maxHardNegatives: 4,
      },
    });
  });

  it('reads split=TRAIN/DEV/TEST as the split fractions; resolving checks their sum', async () => {
    expect(parseWordNetPath('quick,split=0.55/0.05/0.4')).toEqual({
      preset: 'quick',
      options: { splitFractions: { train: 0.55, dev: 0.05, test: 0.4 } },
    });
    for (const bad of ['0.5/0.5', '0.5/x/0.5', '0.5/0.2/0.3/0', '-0.1/0.6/0.5'])
      expect(() => parseWordNetPath(`split=${bad}`)).toThrow(
        `WordNet spec split=${bad}: expected three fractions TRAIN/DEV/TEST`,
      );
    await expect(loadDataset('wordnet-senses:quick,split=0.5/0.3/0.3')).rejects.toThrow(
      /splitFractions must be three numbers in \[0, 1\] summing to 1/,
    );
    const d = await loadDataset('wordnet-senses:quick,maxQueries=1000,split=0.5/0.1/0.4');
    const test = Object.keys(d.splits.test!.queries).length;
    const train = Object.keys(d.splits.train!.queries).length;
    expect(test / (test + train)).toBeGreaterThan(0.35); // 0.4 / 0.9 of the two, whole synsets
    expect(test / (test + train)).toBeLessThan(0.55);
  });

  it('rejects what it does not know, by name', () => {
    expect(() => parseWordNetPath('tiny')).toThrow(/"tiny": expected quick, full or key=value/);
    expect(() => parseWordNetPath('seed=x')).toThrow(/seed=x: expected an integer/);
    expect(() => parseWordNetPath('pos=n+q')).toThrow(/pos=n\+q/);
    expect(() => parseWordNetPath('size=3')).toThrow(
      /unknown option "size"; allowed: seed, maxQueries/,
    );
  });
});

describe('loadDataset', () => {
  it('dispatches by kind and carries the main metric', async () => {
    const beir = await loadDataset(`beir:${join(FIXTURES, 'beir-mini')}`);
    expect([beir.name, beir.mainMetric, Object.keys(beir.corpus).length]).toEqual([
      'beir-mini',
      'ndcg@10',
      4,
    ]);
    const dpr = await loadDataset(`dpr:${join(FIXTURES, 'dpr-mini-train.json')}`, { name: 'mini' });
    expect([dpr.name, dpr.mainMetric]).toEqual(['mini', 'accuracy@20']);
    const ms = await loadDataset(`msmarco:${join(FIXTURES, 'msmarco-mini')}`, { splits: ['dev'] });
    expect([ms.mainMetric, Object.keys(ms.splits)]).toEqual(['mrr@10', ['dev']]);
  });

  it('builds WordNet tasks from the spec, spec options winning over options.wordnet', async () => {
    const d = await loadDataset('wordnet-senses:maxQueries=50,corpus=related,seed=3', {
      wordnet: { maxQueries: 10, seed: 5, pos: ['v'] },
      splits: ['train', 'test'],
      name: 'tiny-senses',
    });
    expect(d.name).toBe('tiny-senses');
    expect(d.mainMetric).toBe('mrr@10');
    expect(Object.keys(d.splits)).toEqual(['train', 'test']);
    const queries = Object.keys(d.splits.train!.queries).concat(
      Object.keys(d.splits.test!.queries),
    );
    expect(queries.length).toBeGreaterThanOrEqual(44); // 50 minus the dev share
    expect(queries.every((id) => id.startsWith('v'))).toBe(true);
  });
});
