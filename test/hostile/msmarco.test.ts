/**
 * Hostile MS MARCO folders: bad collection, queries and TREC qrels lines are clear errors
 * naming file:line and field, or counted with badLines 'count'; missing files are named.
 */
import { loadMsmarco } from '../../src/data/index.js';
import { check, describeCases, PROTO_IDS, withBadUtf8, type HostileCase } from './corpus.js';
import { asDataset, fileCases, loader } from './loader-cases.js';

const COLLECTION = '0\tthe first passage\n1\tthe second passage\n2\tthe third passage\n';
const QUERIES = '10\twhat is first\n11\twhat is second\n';
const QRELS = '10 0 0 1\n11 0 1 1\n';

const MSMARCO = loader(
  { 'collection.tsv': COLLECTION, 'queries.dev.tsv': QUERIES, 'qrels.dev.tsv': QRELS },
  loadMsmarco,
);
const { folder, run: load } = MSMARCO;
const ds = asDataset;

type Bad = [name: string, line: string | Uint8Array, field: string];

/** Line 2 of `file` replaced by each bad line: error, then counted under `kind`. */
function badLines(file: string, base: string, kind: string, bad: readonly Bad[]): HostileCase[] {
  const lines = base.trimEnd().split('\n');
  return bad.flatMap(([name, line, field]): HostileCase[] => {
    const text = Buffer.concat([
      Buffer.from(lines[0] + '\n'),
      Buffer.from(line),
      Buffer.from('\n' + lines.slice(2).join('\n') + (lines.length > 2 ? '\n' : '')),
    ]);
    return [
      {
        name: `${file} line 2 ${name}: error`,
        files: folder({ [file]: text }),
        run: load(),
        expect: { error: [`${file}:2`, field] },
      },
      {
        name: `${file} line 2 ${name}, badLines count: reported`,
        files: folder({ [file]: text }),
        run: load({ badLines: 'count' }),
        expect: {
          reported: true,
          accept: (v) => check(ds(v).report!.skipped[kind] === 1, `${kind} counted`),
        },
      },
    ];
  });
}

const collectionBad: Bad[] = [
  ['without a tab', '1 the second passage', 'passage'],
  ['with three fields', '1\tthe second\tpassage', '(line)'],
  ['with an empty id', '\tthe second passage', 'pid'],
  ['repeating pid 0', '0\tagain', 'pid'],
  ['with a pid that is not UTF-8', withBadUtf8('1', '\tthe second passage'), 'UTF-8'],
];
const queriesBad: Bad[] = [
  ['without a tab', '11 what is second', 'query'],
  ['with an empty id', '\twhat', 'qid'],
  ['repeating qid 10', '10\tagain', 'qid'],
  ['with text that is not UTF-8', withBadUtf8('11\twhat ', ' second'), 'UTF-8'],
];
const qrelsBad: Bad[] = [
  ['with three fields', '11 0 1', '(line)'],
  ['with five fields', '11 0 1 1 x', '(line)'],
  ['with grade "high"', '11 0 1 high', 'grade'],
  ['with grade 0.5', '11 0 1 0.5', 'grade'],
  ['judging a pair twice with other grades', '10 0 0 2', 'grade'],
];

const otherCases: HostileCase[] = [
  ...fileCases(
    MSMARCO,
    {
      'collection.tsv': null,
      'queries.dev.tsv': null,
      'qrels.dev.tsv': ['qrels.test.tsv', 'no split'],
    },
    { 'collection.tsv': null, 'queries.dev.tsv': null },
  ),
  {
    name: 'an empty collection',
    files: folder({ 'collection.tsv': '' }),
    run: load(),
    expect: { error: ['collection.tsv', 'no documents'] },
  },
  {
    name: 'a 257 MiB collection line, past the 256 MiB line limit (sparse file)',
    files: folder({ 'collection.tsv': { sparse: 257 << 20, prefix: '0\t' } }),
    run: load(),
    expect: { error: ['collection.tsv:1', 'longer than'] },
  },
  {
    name: 'a query judged only with grade -1',
    files: folder({ 'qrels.dev.tsv': '10 0 0 1\n11 0 1 -1\n' }),
    run: load(),
    expect: {
      reported: true,
      accept: (v) => {
        check(!Object.hasOwn(ds(v).splits.dev!.queries, '11'), 'query 11 left out');
        check(ds(v).report!.skipped['qrels:no-relevant'] === 1, 'counted');
      },
    },
  },
  {
    name: 'qrels naming an unknown passage',
    files: folder({ 'qrels.dev.tsv': QRELS + '10 0 99 1\n' }),
    run: load(),
    expect: {
      reported: true,
      accept: (v) => check(ds(v).report!.skipped['qrels:unknown-doc'] === 1, 'counted'),
    },
  },
  {
    name: 'queries nobody judged',
    files: folder({ 'queries.dev.tsv': QUERIES + '12\tunjudged\n' }),
    run: load(),
    expect: {
      reported: true,
      accept: (v) => check(ds(v).report!.skipped['queries:no-qrels:dev'] === 1, 'counted'),
    },
  },
  {
    name: '.small files win over the full ones',
    files: folder({
      'queries.dev.small.tsv': '10\twhat is first\n',
      'qrels.dev.small.tsv': '10 0 0 1\n',
    }),
    run: load(),
    expect: {
      accept: (v) => check(Object.keys(ds(v).splits.dev!.queries).join() === '10', 'small split'),
    },
  },
  ...PROTO_IDS.map((id): HostileCase => ({
    name: `pid and qid "${id}"`,
    files: folder({
      'collection.tsv': COLLECTION + `${id}\tproto passage\n`,
      'queries.dev.tsv': QUERIES + `${id}\tproto query\n`,
      'qrels.dev.tsv': QRELS + `${id} 0 ${id} 1\n`,
    }),
    run: load(),
    expect: {
      accept: (v) => {
        const d = ds(v);
        check(Object.hasOwn(d.corpus, id) && d.corpus[id]!.text === 'proto passage', 'passage');
        check(
          d.splits.dev!.qrels[id]![id] === 1 && Object.keys(d.splits.dev!.queries).length === 3,
          'judged',
        );
      },
    },
  })),
];

describeCases('msmarco', [
  ...badLines('collection.tsv', COLLECTION, 'corpus:bad-line', collectionBad),
  ...badLines('queries.dev.tsv', QUERIES, 'queries:bad-line', queriesBad),
  ...badLines('qrels.dev.tsv', QRELS, 'qrels:bad-line', qrelsBad),
  ...otherCases,
]);
