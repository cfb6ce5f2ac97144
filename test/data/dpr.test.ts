import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dprSplitOfFile, loadDpr } from '../../src/data/index.js';
import { FIXTURES, expectFormatError, removeTempDatasets, tempDataset } from './helpers.js';

afterAll(removeTempDatasets);

const FILE = join(FIXTURES, 'dpr-mini-train.json');
const item = (over: Record<string, unknown> = {}) => ({
  question: 'q?',
  answers: ['a'],
  positive_ctxs: [{ title: 'T', text: 'a passage', passage_id: 'p1' }],
  negative_ctxs: [],
  hard_negative_ctxs: [],
  ...over,
});
/** One item per line: item k starts on line k + 2. */
const file = (items: readonly unknown[], name = 'x-test.json'): string =>
  join(
    tempDataset({ [name]: '[\n' + items.map((i) => JSON.stringify(i)).join(',\n') + '\n]\n' }),
    name,
  );

describe('loadDpr', () => {
  it('reads questions, answers, the corpus, qrels and hard negatives', async () => {
    const d = await loadDpr(FILE);
    expect(d.name).toBe('dpr-mini');
    expect(d.mainMetric).toBe('accuracy@20');
    const train = d.splits.train!;
    expect(Object.keys(d.splits)).toEqual(['train']);
    expect(train.queries).toEqual({
      'train-0': { text: 'who wrote the odyssey', answers: ['Homer'] },
      'train-1': { text: 'what is the capital of france', answers: ['Paris'] },
      'train-2': { text: 'an unanswerable one', answers: ['x'] },
    });
    // The Paris passage has no passage_id: it gets a content id.
    const parisId = Object.keys(d.corpus).find((id) => d.corpus[id]!.title === 'Paris')!;
    expect(parisId).toMatch(/^h:[0-9a-f]{16}$/);
    expect(train.qrels).toEqual({ 'train-0': { p1: 1 }, 'train-1': { [parisId]: 1 } });
    expect(train.hardNegatives).toEqual({ 'train-0': ['p2'], 'train-1': ['p1'] });
    expect(d.corpus['p2']).toEqual({
      title: 'Iliad',
      text: 'The "Iliad" is the other Homeric epic.',
    });
    expect(d.corpus['p9']!.text).toBe('The tide rises and falls {twice} a day.');
    expect(Object.keys(d.corpus).length).toBe(4);
    expect(d.report!.skipped).toEqual({ 'dpr:no-positive': 1 });
  });

  it('finds splits by file name in a folder', async () => {
    const items = JSON.stringify([item()]);
    const dir = tempDataset({
      'nq-train.json': items,
      'nq-dev.json': items,
      'notes.json': '{}',
      'readme.txt': 'x',
    });
    const d = await loadDpr(dir);
    expect(Object.keys(d.splits).sort()).toEqual(['dev', 'train']);
    expect(Object.keys(d.splits.dev!.queries)).toEqual(['dev-0']);
    expect(dprSplitOfFile('biencoder-nq-dev.json')).toBe('dev');
    expect(dprSplitOfFile('dpr-test.json')).toBe('test');
    expect(dprSplitOfFile('squad.json')).toBe('test');
  });

  it('uses question ids when items have them, and rejects duplicates', async () => {
    const d = await loadDpr(file([item({ id: 'a' }), item({ id: 7 })]));
    expect(Object.keys(d.splits.test!.queries).sort()).toEqual(['7', 'a']);
    await expectFormatError(loadDpr(file([item({ id: 'a' }), item({ id: 'a' })])), {
      file: 'x-test.json',
      line: 3,
      field: '[1].id',
      message: /duplicate question id/,
    });
  });

  it('names item, line and field for a missing question or context text', async () => {
    await expectFormatError(loadDpr(file([item(), item({ question: undefined })])), {
      file: 'x-test.json',
      line: 3,
      field: '[1].question',
      message: /missing/,
    });
    await expectFormatError(
      loadDpr(file([item({ positive_ctxs: [{ title: 'T', passage_id: 'p' }] })])),
      {
        file: 'x-test.json',
        line: 2,
        field: '[0].positive_ctxs[0].text',
      },
    );
    await expectFormatError(loadDpr(file([item({ answers: 'Homer' })])), {
      file: 'x-test.json',
      line: 2,
      field: '[0].answers',
      message: /array of strings/,
    });
    await expectFormatError(loadDpr(file([item({ hard_negative_ctxs: {} })])), {
      file: 'x-test.json',
      line: 2,
      field: '[0].hard_negative_ctxs',
    });
  });

  it('rejects one passage id with two texts', async () => {
    const other = item({ positive_ctxs: [{ title: 'T', text: 'another text', passage_id: 'p1' }] });
    await expectFormatError(loadDpr(file([item(), other])), {
      file: 'x-test.json',
      line: 3,
      field: '[1].positive_ctxs[0].passage_id',
      message: /different title or text \(got "p1"\)/,
    });
  });

  it("badLines: 'count' drops a bad item without a trace", async () => {
    const bad = item({
      positive_ctxs: [{ title: 'X', text: 'x', passage_id: 'px' }, { title: 'Y' }],
    });
    const d = await loadDpr(file([item(), bad]), { badLines: 'count' });
    expect(Object.keys(d.corpus)).toEqual(['p1']);
    expect(Object.keys(d.splits.test!.queries)).toEqual(['test-0']);
    expect(d.report!.skipped).toEqual({ 'dpr:bad-item': 1 });
    expect(d.report!.issues[0]!.field).toBe('[1].positive_ctxs[1].text');
  });

  it('an empty array or a missing path is an error', async () => {
    await expectFormatError(loadDpr(file([])), {
      file: 'x-test.json',
      line: 0,
      field: 'question',
      message: /no questions/,
    });
    await expectFormatError(loadDpr(join(FIXTURES, 'nope.json')), {
      file: 'nope.json',
      line: 0,
      field: '(file)',
    });
  });
});
