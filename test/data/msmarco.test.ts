import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { forEachMsmarcoPassage, loadMsmarco } from '../../src/data/index.js';
import { FIXTURES, expectFormatError, removeTempDatasets, tempDataset } from './helpers.js';

afterAll(removeTempDatasets);

const DIR = join(FIXTURES, 'msmarco-mini');
const COLLECTION = '0\tzero\n1\tone\n';

describe('loadMsmarco', () => {
  it('reads the collection, train, and the .small dev files', async () => {
    const d = await loadMsmarco(DIR);
    expect(d.name).toBe('msmarco-mini');
    expect(d.mainMetric).toBe('mrr@10');
    expect(d.corpus['3']).toEqual({ title: '', text: 'Paris is the capital of France.' });
    expect(Object.keys(d.corpus).length).toBe(4);
    expect(d.splits.train!.qrels).toEqual({ '10': { '0': 1 }, '11': { '1': 1 } });
    expect(d.splits.train!.queries).toEqual({
      '10': { text: 'why do tides happen' },
      '11': { text: 'what is a volcano' },
    });
    expect(d.splits.dev!.qrels).toEqual({ '20': { '2': 1 }, '21': { '3': 1 } });
    expect(d.splits.dev!.queries['21']).toEqual({ text: 'capital of france' });
    expect(d.report!.skipped).toEqual({ 'queries:no-qrels:train': 1 });
    expect(d.report!.files.map((f) => f.split(/[\\/]/).pop())).toEqual([
      'collection.tsv',
      'queries.train.tsv',
      'qrels.train.tsv',
      'queries.dev.small.tsv',
      'qrels.dev.small.tsv',
    ]);
  });

  it('names file, line and field for bad lines', async () => {
    const twoTabs = tempDataset({
      'collection.tsv': '0\ta\tb\n',
      'qrels.dev.tsv': '',
      'queries.dev.tsv': '',
    });
    await expectFormatError(loadMsmarco(twoTabs), {
      file: 'collection.tsv',
      line: 1,
      field: '(line)',
      message: /more than two/,
    });
    const noTab = tempDataset({
      'collection.tsv': COLLECTION + '2 no tab\n',
      'qrels.dev.tsv': '',
      'queries.dev.tsv': '',
    });
    await expectFormatError(loadMsmarco(noTab), {
      file: 'collection.tsv',
      line: 3,
      field: 'passage',
      message: /expected "id<TAB>text"/,
    });
    const emptyId = tempDataset({
      'collection.tsv': '\tx\n',
      'qrels.dev.tsv': '',
      'queries.dev.tsv': '',
    });
    await expectFormatError(loadMsmarco(emptyId), {
      file: 'collection.tsv',
      line: 1,
      field: 'pid',
      message: /empty id/,
    });
    const dupPid = tempDataset({
      'collection.tsv': COLLECTION + '1\tagain\n',
      'qrels.dev.tsv': '',
      'queries.dev.tsv': '',
    });
    await expectFormatError(loadMsmarco(dupPid), {
      file: 'collection.tsv',
      line: 3,
      field: 'pid',
      message: /duplicate passage id/,
    });
    const dupQid = tempDataset({
      'collection.tsv': COLLECTION,
      'qrels.dev.tsv': '',
      'queries.dev.tsv': '5\ta\n5\tb\n',
    });
    await expectFormatError(loadMsmarco(dupQid), {
      file: 'queries.dev.tsv',
      line: 2,
      field: 'qid',
      message: /duplicate query id/,
    });
    const grade = tempDataset({
      'collection.tsv': COLLECTION,
      'qrels.dev.tsv': '5 0 1 1\n5 0 0 high\n',
      'queries.dev.tsv': '5\ta\n',
    });
    await expectFormatError(loadMsmarco(grade), {
      file: 'qrels.dev.tsv',
      line: 2,
      field: 'grade',
      message: /integer \(got "high"\)/,
    });
    const fields = tempDataset({
      'collection.tsv': COLLECTION,
      'qrels.dev.tsv': '5\t1\t1\n',
      'queries.dev.tsv': '5\ta\n',
    });
    await expectFormatError(loadMsmarco(fields), {
      file: 'qrels.dev.tsv',
      line: 1,
      field: '(line)',
      message: /expected 4 whitespace-separated fields, found 3/,
    });
  });

  it('empty collection, missing split and missing queries file', async () => {
    const empty = tempDataset({
      'collection.tsv': '',
      'qrels.dev.tsv': '5 0 1 1\n',
      'queries.dev.tsv': '5\ta\n',
    });
    await expectFormatError(loadMsmarco(empty), {
      file: 'collection.tsv',
      line: 0,
      field: 'corpus',
      message: /no documents/,
    });
    await expectFormatError(loadMsmarco(DIR, { splits: ['test'] }), {
      file: 'qrels.test.tsv',
      line: 0,
      field: '(file)',
      message: /split "test" not found; available: train, dev/,
    });
    const noQueries = tempDataset({ 'collection.tsv': COLLECTION, 'qrels.dev.tsv': '5 0 1 1\n' });
    await expectFormatError(loadMsmarco(noQueries), {
      file: 'queries.dev.tsv',
      line: 0,
      field: '(file)',
      message: /not found/,
    });
  });

  it('counts qrels for unknown passages', async () => {
    const dir = tempDataset({
      'collection.tsv': COLLECTION,
      'qrels.dev.tsv': '5 0 1 1\n5 0 77 1\n',
      'queries.dev.tsv': '5\ta\n',
    });
    const d = await loadMsmarco(dir);
    expect(d.splits.dev!.qrels).toEqual({ '5': { '1': 1 } });
    expect(d.report!.issues[0]).toMatchObject({ line: 2, field: 'docid' });
  });
});

describe('forEachMsmarcoPassage', () => {
  it('streams passages without keeping them, counting blank and bad lines', async () => {
    const dir = tempDataset({ 'collection.tsv': '0\tzero\n\nbad line\n1\tone' });
    const seen: Array<[string, string, number]> = [];
    const stats = await forEachMsmarcoPassage(
      join(dir, 'collection.tsv'),
      (id, text, line) => seen.push([id, text, line]),
      {
        badLines: 'count',
      },
    );
    expect(seen).toEqual([
      ['0', 'zero', 1],
      ['1', 'one', 4],
    ]);
    expect(stats).toEqual({ rows: 2, lines: 4 });
  });
});
