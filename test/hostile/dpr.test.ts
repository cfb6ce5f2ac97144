/**
 * Hostile DPR files: every bad item is a clear error naming file:line and the field path
 * with the item's index (or, with badLines 'count', skipped and counted as dpr:bad-item);
 * a broken array (not an array, truncated, trailing text, bad UTF-8) is an error naming
 * the line; odd but valid input (prototype-named ids, items without positives) loads.
 */
import { loadDpr } from '../../src/data/index.js';
import {
  check,
  describeCases,
  PROTO_IDS,
  withBadUtf8,
  type FileSpec,
  type HostileCase,
} from './corpus.js';
import { asDataset, fileCases, loader } from './loader-cases.js';

const FILE = 'nq-test.json';

const item = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  question: 'who wrote it',
  answers: ['Homer'],
  positive_ctxs: [{ title: 'T', text: 'Homer wrote it', passage_id: 'p1' }],
  hard_negative_ctxs: [{ title: 'U', text: 'someone else', passage_id: 'p2' }],
  ...over,
});

/** A DPR file, one item per line: item k starts on line k + 2. */
function dprFile(items: readonly unknown[]): string {
  return '[\n' + items.map((i) => JSON.stringify(i)).join(',\n') + '\n]\n';
}

const DPR = loader({}, (dir, options) => loadDpr(`${dir}/${FILE}`, options));
const load = DPR.run;
const ds = asDataset;
const files = (text: FileSpec): Record<string, FileSpec> => DPR.folder({ [FILE]: text });

/** Item 1 (line 3) replaced by `bad`: an error naming the field, or counted. */
const badItems: Array<[string, Record<string, unknown>, string]> = [
  ['without question', { question: undefined }, '[1].question'],
  ['with a numeric question', { question: 7 }, '[1].question'],
  ['with answers not a list', { answers: 'Homer' }, '[1].answers'],
  ['with numeric answers', { answers: [1, 2] }, '[1].answers'],
  ['with positive_ctxs not a list', { positive_ctxs: { text: 'x' } }, '[1].positive_ctxs'],
  ['with a context that is a string', { positive_ctxs: ['x'] }, '[1].positive_ctxs[0]'],
  ['with a context without text', { positive_ctxs: [{ title: 'T' }] }, '[1].positive_ctxs[0].text'],
  [
    'with a numeric context title',
    { positive_ctxs: [{ title: 3, text: 'x' }] },
    '[1].positive_ctxs[0].title',
  ],
  [
    'with an empty passage_id',
    { positive_ctxs: [{ text: 'x', passage_id: '' }] },
    '[1].positive_ctxs[0].passage_id',
  ],
  [
    'with a passage_id above 2^53',
    { positive_ctxs: [{ text: 'x', passage_id: 2 ** 60 }] },
    '[1].positive_ctxs[0].passage_id',
  ],
  [
    'with a fractional passage_id',
    { positive_ctxs: [{ text: 'x', passage_id: 0.5 }] },
    '[1].positive_ctxs[0].passage_id',
  ],
  [
    'reusing passage p1 with other text',
    { positive_ctxs: [{ text: 'different', passage_id: 'p1' }] },
    '[1].positive_ctxs[0].passage_id',
  ],
  ['repeating question id', { id: 'a' }, '[1].id'],
  ['with hard_negative_ctxs not a list', { hard_negative_ctxs: 5 }, '[1].hard_negative_ctxs'],
  ['with a question id above 2^53', { id: 2 ** 54 }, '[1].id'],
];

function badItemCases(): HostileCase[] {
  return badItems.flatMap(([name, over, field]): HostileCase[] => {
    const first = name === 'repeating question id' ? item({ id: 'a' }) : item();
    const text = dprFile([first, item(over)]);
    return [
      {
        name: `item 1 ${name}: error`,
        files: files(text),
        run: load(),
        expect: { error: [`${FILE}:3`, field] },
      },
      {
        name: `item 1 ${name}, badLines count: skipped and reported`,
        files: files(text),
        run: load({ badLines: 'count' }),
        expect: {
          reported: true,
          accept: (v) => {
            check(ds(v).report!.skipped['dpr:bad-item'] === 1, 'dpr:bad-item counted');
            check(Object.keys(ds(v).splits.test!.queries).length === 1, 'the good item kept');
          },
        },
      },
    ];
  });
}

const arrayCases: HostileCase[] = [
  {
    name: 'an object, not an array',
    files: files('{"question":"x"}'),
    run: load(),
    expect: { error: [`${FILE}:1`, 'JSON array'] },
  },
  { name: 'an empty file', files: files(''), run: load(), expect: { error: [FILE, 'not closed'] } },
  {
    name: 'an empty array',
    files: files('[]'),
    run: load(),
    expect: { error: [FILE, 'no questions'] },
  },
  {
    name: 'a truncated array',
    files: files('[\n' + JSON.stringify(item()) + ',\n{"question":"x",'),
    run: load(),
    expect: { error: [`${FILE}:3`, 'not closed'] },
  },
  {
    name: 'a missing comma',
    files: files('[\n' + JSON.stringify(item()) + '\n' + JSON.stringify(item()) + ']'),
    run: load(),
    expect: { error: [`${FILE}:3`, '","'] },
  },
  {
    name: 'text after the array',
    files: files(dprFile([item()]) + 'garbage'),
    run: load(),
    expect: { error: [FILE, 'after the closing'] },
  },
  {
    name: 'a number as an element',
    files: files('[\n1\n]'),
    run: load(),
    expect: { error: [`${FILE}:2`, '"{"'] },
  },
  {
    name: 'malformed JSON inside an element',
    files: files('[\n{"question": tru}\n]'),
    run: load(),
    expect: { error: [`${FILE}:2`, 'malformed JSON'] },
  },
  {
    name: 'bytes that are not UTF-8 in a question',
    files: files(
      Buffer.concat([
        Buffer.from('[\n'),
        withBadUtf8('{"question":"who', '","positive_ctxs":[]}'),
        Buffer.from('\n]'),
      ]),
    ),
    run: load(),
    expect: { error: [FILE, 'UTF-8'] },
  },
  {
    name: 'a 257 Mi-character element, past the 256 Mi element limit (sparse file)',
    files: files({ sparse: 257 << 20, prefix: '[{"question":"' }),
    run: load(),
    expect: { error: [`${FILE}:1`, 'longer than'] },
  },
  ...fileCases(DPR, {}, { [FILE]: [FILE, 'no split'] }),
  { name: 'no file at all', files: {}, run: load(), expect: { error: [FILE, 'not found'] } },
  {
    name: 'a folder with two files for one split',
    files: { 'a-test.json': dprFile([item()]), 'b-test.json': dprFile([item()]) },
    run: (dir) => loadDpr(dir),
    expect: { error: ['b-test.json', 'second file'] },
  },
];

const acceptCases: HostileCase[] = [
  ...PROTO_IDS.map((id): HostileCase => ({
    name: `passage and question ids "${id}"`,
    files: files(
      dprFile([item({ id, positive_ctxs: [{ text: 'proto', passage_id: id }] }), item()]),
    ),
    run: load(),
    expect: {
      accept: (v) => {
        const d = ds(v);
        check(Object.hasOwn(d.corpus, id) && d.corpus[id]!.text === 'proto', 'passage kept');
        const t = d.splits.test!;
        check(
          Object.hasOwn(t.queries, id) && t.qrels[id]![id] === 1,
          'question and judgement kept',
        );
      },
    },
  })),
  {
    name: 'an item without positives',
    files: files(dprFile([item(), item({ positive_ctxs: [] })])),
    run: load(),
    expect: {
      reported: true,
      accept: (v) => {
        check(ds(v).report!.skipped['dpr:no-positive'] === 1, 'dpr:no-positive counted');
        check(Object.keys(ds(v).splits.test!.queries).length === 2, 'both questions kept');
      },
    },
  },
  {
    name: 'contexts without passage ids get content ids',
    files: files(
      dprFile([item({ positive_ctxs: [{ title: 'A', text: 'x' }], hard_negative_ctxs: [] })]),
    ),
    run: load(),
    expect: {
      accept: (v) =>
        check(
          Object.keys(ds(v).corpus).every((id) => /^h:[0-9a-f]{16}$/.test(id)),
          'content ids',
        ),
    },
  },
  {
    name: 'a BOM and CRLF line ends',
    files: files('\ufeff[\r\n' + JSON.stringify(item()) + '\r\n]\r\n'),
    run: load(),
    expect: { accept: (v) => check(ds(v).corpus['p1']?.text === 'Homer wrote it', 'read') },
  },
];

describeCases('dpr', [...badItemCases(), ...arrayCases, ...acceptCases]);
