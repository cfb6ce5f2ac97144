/**
 * Hostile BEIR folders: every bad corpus, queries or qrels line is a clear error naming
 * file:line and field, or (with badLines 'count') skipped and counted in the load report;
 * ids shaped like Object.prototype members, BOMs, CRLFs and integer ids load correctly.
 */
import { loadBeir } from '../../src/data/index.js';
import {
  check,
  describeCases,
  PROTO_IDS,
  withBadUtf8,
  type FileSpec,
  type HostileCase,
} from './corpus.js';
import { asDataset, fileCases, loader } from './loader-cases.js';

const HEADER = 'query-id\tcorpus-id\tscore\n';
const DOC_LINES = [
  '{"_id":"d1","title":"T1","text":"one"}',
  '{"_id":"d2","title":"T2","text":"two"}',
  '{"_id":"d3","title":"T3","text":"three"}',
];
const QUERY_LINES = ['{"_id":"q1","text":"first"}', '{"_id":"q2","text":"second"}'];
const QRELS = HEADER + 'q1\td1\t1\nq2\td2\t1\n';

const BEIR = loader(
  {
    'corpus.jsonl': DOC_LINES.join('\n') + '\n',
    'queries.jsonl': QUERY_LINES.join('\n') + '\n',
    'qrels/test.tsv': QRELS,
  },
  loadBeir,
);
const { folder, run: load } = BEIR;
const ds = asDataset;

/** `lines` with line `at` (0-based) replaced by `text` (string or bytes). */
function replaced(lines: readonly string[], at: number, text: string | Uint8Array): FileSpec {
  const before = lines.slice(0, at).join('\n') + (at > 0 ? '\n' : '');
  const after = '\n' + lines.slice(at + 1).join('\n') + '\n';
  return Buffer.concat([Buffer.from(before), Buffer.from(text), Buffer.from(after)]);
}

/** Bad lines of one file: an error by default, counted with badLines 'count'. */
function badLineCases(
  file: 'corpus.jsonl' | 'queries.jsonl',
  lines: readonly string[],
  kind: string,
  bad: ReadonlyArray<[name: string, text: string | Uint8Array, field: string]>,
): HostileCase[] {
  return bad.flatMap(([name, text, field]): HostileCase[] => [
    {
      name: `${file} line 2 ${name}: error`,
      files: folder({ [file]: replaced(lines, 1, text) }),
      run: load(),
      expect: { error: [`${file}:2`, field] },
    },
    {
      name: `${file} line 2 ${name}, badLines count: skipped and reported`,
      files: folder({ [file]: replaced(lines, 1, text) }),
      run: load({ badLines: 'count' }),
      expect: {
        reported: true,
        accept: (v) => {
          const r = ds(v).report!;
          check(r.skipped[kind] === 1, `${kind} counted once: ${JSON.stringify(r.skipped)}`);
          check(r.issues[0]?.line === 2, 'issue on line 2');
        },
      },
    },
  ]);
}

const corpusBad: Array<[string, string | Uint8Array, string]> = [
  ['malformed JSON', '{"_id":"d2","text":', '(json)'],
  ['an array', '[1,2]', '(json)'],
  ['null', 'null', '(json)'],
  ['a string', '"text"', '(json)'],
  ['without _id', '{"text":"x"}', '_id'],
  ['with an empty _id', '{"_id":"","text":"x"}', '_id'],
  ['with a fractional _id', '{"_id":1.5,"text":"x"}', '_id'],
  ['with an _id above 2^53', '{"_id":12345678901234567890,"text":"x"}', '_id'],
  ['with an object _id', '{"_id":{"a":1},"text":"x"}', '_id'],
  ['without text', '{"_id":"d2"}', 'text'],
  ['with a numeric text', '{"_id":"d2","text":5}', 'text'],
  ['with a numeric title', '{"_id":"d2","title":7,"text":"x"}', 'title'],
  ['repeating _id d1', '{"_id":"d1","text":"again"}', '_id'],
  ['with an _id that is not UTF-8', withBadUtf8('{"_id":"d', '2","text":"x"}'), 'UTF-8'],
  ['with text that is not UTF-8', withBadUtf8('{"_id":"d2","text":"', '"}'), 'UTF-8'],
];

const queriesBad: Array<[string, string | Uint8Array, string]> = [
  ['malformed JSON', '{"_id":"q2",', '(json)'],
  ['without _id', '{"text":"x"}', '_id'],
  ['with an _id above 2^53', '{"_id":9007199254740993,"text":"x"}', '_id'],
  ['without text', '{"_id":"q2"}', 'text'],
  ['with answers not a list', '{"_id":"q2","text":"x","answers":"a"}', 'answers'],
  ['with numeric answers', '{"_id":"q2","text":"x","answers":[1]}', 'answers'],
  [
    'with bad metadata.answers',
    '{"_id":"q2","text":"x","metadata":{"answers":5}}',
    'metadata.answers',
  ],
  ['repeating _id q1', '{"_id":"q1","text":"again"}', '_id'],
  ['with an _id that is not UTF-8', withBadUtf8('{"_id":"q', '2","text":"x"}'), 'UTF-8'],
];

function qrelsCase(
  name: string,
  qrels: string | Uint8Array,
  expect: HostileCase['expect'],
  options = {},
): HostileCase {
  return {
    name: `qrels/test.tsv ${name}`,
    files: folder({ 'qrels/test.tsv': qrels }),
    run: load(options),
    expect,
  };
}

const reportedQrels = (kind: string, n = 1) => ({
  reported: true,
  accept: (v: unknown) => {
    const r = ds(v).report!;
    check(r.skipped[kind] === n, `${kind} = ${n}: ${JSON.stringify(r.skipped)}`);
  },
});

const qrelsCases: HostileCase[] = [
  qrelsCase('with two fields', HEADER + 'q1\td1\nq2\td2\t1\n', { error: ['test.tsv:2', '(line)'] }),
  qrelsCase('with four fields', HEADER + 'q1\td1\t1\t9\nq2\td2\t1\n', {
    error: ['test.tsv:2', '(line)'],
  }),
  qrelsCase('with spaces for tabs', HEADER + 'q1 d1 1\nq2\td2\t1\n', {
    error: ['test.tsv:2', '(line)'],
  }),
  qrelsCase('with an empty query id', HEADER + '\td1\t1\n', { error: ['test.tsv:2', 'query-id'] }),
  qrelsCase('with an empty corpus id', HEADER + 'q1\t\t1\n', {
    error: ['test.tsv:2', 'corpus-id'],
  }),
  qrelsCase('with grade "x"', HEADER + 'q1\td1\tx\n', { error: ['test.tsv:2', 'score'] }),
  qrelsCase('with grade 1.5', HEADER + 'q1\td1\t1.5\n', { error: ['test.tsv:2', 'score'] }),
  qrelsCase('with grade 1e3', HEADER + 'q1\td1\t1e3\n', { error: ['test.tsv:2', 'score'] }),
  qrelsCase('with grade 99999999999999999999', HEADER + 'q1\td1\t99999999999999999999\n', {
    error: ['test.tsv:2', 'score', '2^53'],
  }),
  qrelsCase('with a pair twice, other grade', HEADER + 'q1\td1\t1\nq1\td1\t2\n', {
    error: ['test.tsv:3', 'score'],
  }),
  qrelsCase(
    'with a pair twice, same grade',
    HEADER + 'q1\td1\t1\nq1\td1\t1\nq2\td2\t1\n',
    reportedQrels('qrels:duplicate-pair'),
  ),
  qrelsCase(
    'naming an unknown query',
    HEADER + 'q1\td1\t1\nq9\td2\t1\n',
    reportedQrels('qrels:unknown-query'),
  ),
  qrelsCase(
    'naming an unknown document',
    HEADER + 'q1\td1\t1\nq2\td9\t1\n',
    reportedQrels('qrels:unknown-doc'),
  ),
  qrelsCase(
    'naming an unknown query, strict',
    HEADER + 'q1\td1\t1\nq9\td2\t1\n',
    { error: ['test.tsv:3', 'query-id'] },
    { unknownIds: 'error' },
  ),
  qrelsCase('with a query judged only negatively', HEADER + 'q1\td1\t1\nq2\td2\t-1\n', {
    reported: true,
    accept: (v) => {
      const split = ds(v).splits.test!;
      check(
        !Object.hasOwn(split.queries, 'q2') && !Object.hasOwn(split.qrels, 'q2'),
        'q2 left out',
      );
      check(ds(v).report!.skipped['qrels:no-relevant'] === 1, 'counted as qrels:no-relevant');
    },
  }),
  qrelsCase('judging every query with grade 0', HEADER + 'q1\td1\t0\nq2\td2\t0\n', {
    error: ['test.tsv', 'qrels', 'empty'],
  }),
  qrelsCase('with only a header', HEADER, { error: ['test.tsv', 'qrels', 'empty'] }),
  qrelsCase(
    'with a corpus id that is not UTF-8',
    Buffer.concat([Buffer.from(HEADER), withBadUtf8('q1\td', '1\t1\n')]),
    { error: ['test.tsv:2', 'UTF-8'] },
  ),
  qrelsCase('without a header, CRLF and blank lines', 'q1\td1\t1\r\n\r\nq2\td2\t1\r\n', {
    accept: (v) => {
      check(Object.keys(ds(v).splits.test!.queries).length === 2, 'two queries');
      check(ds(v).report!.skipped['blank-line'] === 1, 'blank line counted');
    },
    reported: true,
  }),
  qrelsCase(
    'with a 50 MB id',
    HEADER + 'q1\t' + 'x'.repeat(50 << 20) + '\t1\n',
    { error: ['test.tsv:2', 'corpus-id'] },
    { unknownIds: 'error' },
  ),
];

/** Ids shaped like Object.prototype members load as plain ids and keep their judgements. */
const protoCases: HostileCase[] = PROTO_IDS.map((id) => ({
  name: `ids "${id}" for a document and a query`,
  files: folder({
    'corpus.jsonl': DOC_LINES.join('\n') + `\n{"_id":${JSON.stringify(id)},"text":"proto doc"}\n`,
    'queries.jsonl':
      QUERY_LINES.join('\n') + `\n{"_id":${JSON.stringify(id)},"text":"proto query"}\n`,
    'qrels/test.tsv': QRELS + `${id}\t${id}\t2\n`,
  }),
  run: load(),
  expect: {
    accept: (v) => {
      const d = ds(v);
      check(Object.hasOwn(d.corpus, id) && d.corpus[id]!.text === 'proto doc', 'doc kept');
      const split = d.splits.test!;
      check(
        Object.hasOwn(split.queries, id) && split.queries[id]!.text === 'proto query',
        'query kept',
      );
      check(
        Object.keys(split.qrels[id]!).length === 1 && split.qrels[id]![id] === 2,
        'judgement kept',
      );
      check(Object.keys(split.queries).length === 3, 'three queries');
    },
  },
}));

const otherCases: HostileCase[] = [
  ...fileCases(
    BEIR,
    { 'corpus.jsonl': null, 'queries.jsonl': null, 'qrels/test.tsv': ['test.tsv', 'no split'] },
    { 'corpus.jsonl': null, 'qrels/test.tsv': null },
  ),
  {
    name: 'a split that is not there',
    files: folder(),
    run: load({ splits: ['dev'] }),
    expect: { error: ['dev.tsv', 'split "dev" not found'] },
  },
  {
    name: 'an empty corpus',
    files: folder({ 'corpus.jsonl': '' }),
    run: load(),
    expect: { error: ['corpus.jsonl', 'no documents'] },
  },
  {
    name: 'a corpus of blank lines',
    files: folder({ 'corpus.jsonl': '\n\n\n' }),
    run: load(),
    expect: { error: ['corpus.jsonl', 'no documents'] },
  },
  {
    name: 'a 257 MiB corpus line, past the 256 MiB line limit (sparse file)',
    files: folder({ 'corpus.jsonl': { sparse: 257 << 20, prefix: '{"_id":"d1","text":"' } }),
    run: load(),
    expect: { error: ['corpus.jsonl:1', 'longer than'] },
  },
  {
    name: 'a 50 MB malformed corpus line',
    files: folder({ 'corpus.jsonl': '{"_id":"d1","text":"' + 'y'.repeat(50 << 20) + '\n' }),
    run: load(),
    expect: { error: ['corpus.jsonl:1', '(json)'] },
  },
  {
    name: 'a BOM, CRLF line ends, integer ids and extra fields',
    files: folder({
      'corpus.jsonl': '\ufeff{"_id":1,"text":"one","extra":[1]}\r\n{"_id":"d2","text":"two"}\r\n',
      'qrels/test.tsv': HEADER + 'q1\t1\t1\nq2\td2\t1\n',
    }),
    run: load(),
    expect: {
      accept: (v) =>
        check(
          ds(v).corpus['1']?.text === 'one' && ds(v).splits.test!.qrels['q1']!['1'] === 1,
          'id 1 read as "1"',
        ),
    },
  },
  {
    name: 'queries without qrels',
    files: folder({ 'queries.jsonl': QUERY_LINES.join('\n') + '\n{"_id":"q3","text":"third"}\n' }),
    run: load(),
    expect: {
      reported: true,
      accept: (v) => check(ds(v).report!.skipped['queries:no-qrels'] === 1, 'counted'),
    },
  },
  {
    name: 'blank lines in the corpus',
    files: folder({ 'corpus.jsonl': DOC_LINES.join('\n\n') + '\n' }),
    run: load(),
    expect: {
      reported: true,
      accept: (v) => check(ds(v).report!.skipped['blank-line'] === 2, 'two blank lines'),
    },
  },
];

describeCases('beir', [
  ...badLineCases('corpus.jsonl', DOC_LINES, 'corpus:bad-line', corpusBad),
  ...badLineCases('queries.jsonl', QUERY_LINES, 'queries:bad-line', queriesBad),
  ...qrelsCases,
  ...protoCases,
  ...otherCases,
]);
