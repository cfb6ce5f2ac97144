import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadBeir } from '../../src/data/index.js';
import {
  BEIR_HEADER,
  FIXTURES,
  expectFormatError,
  jsonl,
  removeTempDatasets,
  tempDataset,
} from './helpers.js';

afterAll(removeTempDatasets);

const DOCS = jsonl(
  { _id: 'd1', title: 'T1', text: 'one' },
  { _id: 'd2', title: 'T2', text: 'two' },
);
const QUERIES = jsonl({ _id: 'q1', text: 'first' }, { _id: 'q2', text: 'second' });

/** A valid BEIR folder with one test split; `files` replaces or adds files. */
function beir(files: Record<string, string> = {}): string {
  return tempDataset({
    'corpus.jsonl': DOCS,
    'queries.jsonl': QUERIES,
    'qrels/test.tsv': BEIR_HEADER + 'q1\td1\t1\nq2\td2\t1\n',
    ...files,
  });
}

describe('loadBeir on the fixture', () => {
  it('reads corpus, queries, splits, grades and answers', async () => {
    const d = await loadBeir(join(FIXTURES, 'beir-mini'));
    expect(d.name).toBe('beir-mini');
    expect(d.mainMetric).toBe('ndcg@10');
    expect(Object.keys(d.corpus).sort()).toEqual(['4', 'd1', 'd2', 'd3']);
    expect(d.corpus['d3']).toEqual({
      title: '',
      text: 'Photosynthesis turns light, water and carbon dioxide into sugar.',
    });
    expect(Object.keys(d.splits).sort()).toEqual(['test', 'train']);
    expect(d.splits.train!.qrels).toEqual({ q1: { d1: 1 }, q2: { d2: 2, d1: 0 } });
    expect(Object.keys(d.splits.train!.queries).sort()).toEqual(['q1', 'q2']);
    expect(d.splits.train!.queries['q2']).toEqual({
      text: 'where does lava come out',
      answers: ['an opening in the crust'],
    });
    expect(d.splits.test!.qrels).toEqual({ q3: { d3: 1 }, q4: { '4': 1 } });
    expect(d.report!.linesRead).toBe(4 + 5 + 4 + 3);
    expect(d.report!.skipped).toEqual({ 'blank-line': 1 });
    expect(d.report!.issues).toEqual([]);
  });

  it('loads only the splits asked for, and names a missing one', async () => {
    const d = await loadBeir(join(FIXTURES, 'beir-mini'), { splits: ['test'] });
    expect(Object.keys(d.splits)).toEqual(['test']);
    await expectFormatError(loadBeir(join(FIXTURES, 'beir-mini'), { splits: ['dev'] }), {
      file: join('qrels', 'dev.tsv'),
      line: 0,
      field: '(file)',
      message: /split "dev" not found; available: train, test/,
    });
  });
});

describe('loadBeir validation', () => {
  it('malformed JSON line: file, line, field', async () => {
    const dir = beir({ 'corpus.jsonl': DOCS + '{"_id": "d3", "text": \n' });
    await expectFormatError(loadBeir(dir), {
      file: 'corpus.jsonl',
      line: 3,
      field: '(json)',
      message: /malformed JSON/,
    });
  });

  it('missing _id', async () => {
    const dir = beir({ 'queries.jsonl': QUERIES + jsonl({ text: 'no id' }) });
    await expectFormatError(loadBeir(dir), {
      file: 'queries.jsonl',
      line: 3,
      field: '_id',
      message: /missing id/,
    });
  });

  it('missing or non-string text', async () => {
    await expectFormatError(loadBeir(beir({ 'corpus.jsonl': jsonl({ _id: 'd1', title: 'x' }) })), {
      file: 'corpus.jsonl',
      line: 1,
      field: 'text',
    });
    await expectFormatError(loadBeir(beir({ 'corpus.jsonl': jsonl({ _id: 'd1', text: 5 }) })), {
      file: 'corpus.jsonl',
      line: 1,
      field: 'text',
      message: /expected a string \(got 5\)/,
    });
  });

  it('duplicate document and query ids', async () => {
    const dupDoc = beir({ 'corpus.jsonl': DOCS + jsonl({ _id: 'd1', text: 'again' }) });
    await expectFormatError(loadBeir(dupDoc), {
      file: 'corpus.jsonl',
      line: 3,
      field: '_id',
      message: /duplicate document id \(got "d1"\)/,
    });
    const dupQuery = beir({
      'queries.jsonl': jsonl(
        { _id: 'q1', text: 'a' },
        { _id: 'q2', text: 'b' },
        { _id: 'q2', text: 'c' },
      ),
    });
    await expectFormatError(loadBeir(dupQuery), {
      file: 'queries.jsonl',
      line: 3,
      field: '_id',
      message: /duplicate query id/,
    });
  });

  it('qrels naming unknown queries or documents are counted, with file, line and field', async () => {
    const dir = beir({
      'qrels/test.tsv': BEIR_HEADER + 'q1\td1\t1\nq9\td1\t1\nq2\tdx\t1\nq2\td2\t1\n',
    });
    const d = await loadBeir(dir);
    expect(d.splits.test!.qrels).toEqual({ q1: { d1: 1 }, q2: { d2: 1 } });
    expect(d.report!.skipped).toEqual({ 'qrels:unknown-query': 1, 'qrels:unknown-doc': 1 });
    const [a, b] = d.report!.issues;
    expect(a).toMatchObject({ line: 3, field: 'query-id' });
    expect(a!.file.endsWith(join('qrels', 'test.tsv'))).toBe(true);
    expect(a!.message).toMatch(/test\.tsv:3: field "query-id": unknown query id .*\(got "q9"\)/);
    expect(b).toMatchObject({ line: 4, field: 'corpus-id' });
    expect(b!.message).toMatch(/unknown document id .*\(got "dx"\)/);
  });

  it('unknown ids fail with unknownIds: error', async () => {
    const dir = beir({ 'qrels/test.tsv': BEIR_HEADER + 'q1\td1\t1\nq2\tdx\t1\n' });
    await expectFormatError(loadBeir(dir, { unknownIds: 'error' }), {
      file: join('qrels', 'test.tsv'),
      line: 3,
      field: 'corpus-id',
      message: /unknown document id/,
    });
    // even when bad lines are counted: the two policies are separate
    await expectFormatError(loadBeir(dir, { unknownIds: 'error', badLines: 'count' }), {
      file: join('qrels', 'test.tsv'),
      line: 3,
      field: 'corpus-id',
    });
  });

  it('non-integer grades', async () => {
    for (const grade of ['1.5', 'yes', '']) {
      const dir = beir({ 'qrels/test.tsv': BEIR_HEADER + `q1\td1\t1\nq2\td2\t${grade}\n` });
      await expectFormatError(loadBeir(dir), {
        file: join('qrels', 'test.tsv'),
        line: 3,
        field: 'score',
        message: /integer/,
      });
    }
  });

  it('a qrels line with the wrong number of fields', async () => {
    const dir = beir({ 'qrels/test.tsv': BEIR_HEADER + 'q1 d1 1\n' });
    await expectFormatError(loadBeir(dir), {
      file: join('qrels', 'test.tsv'),
      line: 2,
      field: '(line)',
      message: /expected 3 tab-separated fields, found 1/,
    });
  });

  it('the same pair with two grades is an error; twice with one grade is counted', async () => {
    const conflict = beir({ 'qrels/test.tsv': BEIR_HEADER + 'q1\td1\t1\nq1\td1\t2\n' });
    await expectFormatError(loadBeir(conflict), {
      file: join('qrels', 'test.tsv'),
      line: 3,
      field: 'score',
      message: /twice with different grades/,
    });
    const repeat = beir({ 'qrels/test.tsv': BEIR_HEADER + 'q1\td1\t1\nq1\td1\t1\n' });
    const d = await loadBeir(repeat);
    expect(d.report!.skipped).toEqual({ 'qrels:duplicate-pair': 1, 'queries:no-qrels': 1 });
    expect(d.report!.issues[0]).toMatchObject({ line: 3, field: 'corpus-id' });
  });

  it('empty corpus', async () => {
    await expectFormatError(loadBeir(beir({ 'corpus.jsonl': '\n' })), {
      file: 'corpus.jsonl',
      line: 0,
      field: 'corpus',
      message: /no documents/,
    });
  });

  it('a folder without the requested split, or without any', async () => {
    await expectFormatError(loadBeir(beir(), { splits: ['train'] }), {
      file: join('qrels', 'train.tsv'),
      line: 0,
      field: '(file)',
      message: /split "train" not found; available: test/,
    });
    const none = tempDataset({ 'corpus.jsonl': DOCS, 'queries.jsonl': QUERIES });
    await expectFormatError(loadBeir(none), {
      file: join('qrels', 'test.tsv'),
      line: 0,
      field: '(file)',
      message: /no split found/,
    });
  });

  it('a missing corpus or queries file', async () => {
    const dir = tempDataset({ 'queries.jsonl': QUERIES, 'qrels/test.tsv': BEIR_HEADER });
    await expectFormatError(loadBeir(dir), {
      file: 'corpus.jsonl',
      line: 0,
      field: '(file)',
      message: /not found/,
    });
  });

  it('a split whose qrels judge no known query is an error', async () => {
    const dir = beir({ 'qrels/test.tsv': BEIR_HEADER + 'qx\td1\t1\n' });
    await expectFormatError(loadBeir(dir), {
      file: join('qrels', 'test.tsv'),
      line: 0,
      field: 'qrels',
      message: /split is empty/,
    });
  });

  it("badLines: 'count' skips malformed lines and keeps them in the report", async () => {
    const dir = beir({
      'corpus.jsonl':
        DOCS + '{oops\n' + jsonl({ title: 'no id', text: 'x' }, { _id: 'd3', text: 'three' }),
    });
    const d = await loadBeir(dir, { badLines: 'count' });
    expect(Object.keys(d.corpus)).toEqual(['d1', 'd2', 'd3']);
    expect(d.report!.skipped).toEqual({ 'corpus:bad-line': 2 });
    expect(d.report!.issues.map((i) => [i.line, i.field])).toEqual([
      [3, '(json)'],
      [4, '_id'],
    ]);
  });

  it('keeps at most maxIssues issues but counts all', async () => {
    const dir = beir({
      'qrels/test.tsv': BEIR_HEADER + 'q1\td1\t1\n' + 'q1\tdx\t1\nq1\tdy\t1\nq1\tdz\t1\n',
    });
    const d = await loadBeir(dir, { maxIssues: 2 });
    expect(d.report!.issues.length).toBe(2);
    expect(d.report!.skipped['qrels:unknown-doc']).toBe(3);
  });

  it('ids like __proto__ are ordinary keys', async () => {
    const dir = beir({
      'corpus.jsonl': jsonl({ _id: '__proto__', text: 'p' }, { _id: 'constructor', text: 'c' }),
      'qrels/test.tsv': BEIR_HEADER + 'q1\t__proto__\t1\nq2\tconstructor\t1\n',
    });
    const d = await loadBeir(dir);
    expect(Object.keys(d.corpus)).toEqual(['__proto__', 'constructor']);
    expect(d.splits.test!.qrels['q1']!['__proto__']).toBe(1);
  });

  it('rejects bad option values by name', async () => {
    // @ts-expect-error: testing a literal outside the type
    await expect(loadBeir(beir(), { unknownIds: 'ignore' })).rejects.toThrow(
      /unknownIds must be one of count, error, got ignore/,
    );
  });
});
