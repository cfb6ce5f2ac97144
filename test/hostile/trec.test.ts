/**
 * Hostile TREC run and qrels files, read directly and through `kalelab eval-run`: bad
 * lines are clear errors naming file:line and field; ids shaped like Object.prototype
 * members score exactly as the same files with plain ids (the oracle: renaming ids must
 * not change any metric); empty or disjoint inputs evaluate with a warning.
 */
import { evaluateRun } from '../../src/eval/metrics.js';
import { Bm25Index } from '../../src/retrieval/bm25.js';
import { topKToRun } from '../../src/retrieval/search.js';
import { readRun, readTrecQrels } from '../../src/eval/trec.js';
import {
  check,
  cli,
  describeCases,
  PROTO_IDS,
  withBadUtf8,
  type CliResult,
  type FileSpec,
  type HostileCase,
} from './corpus.js';

const RUN = 'q1 Q0 d1 1 3.5 t\nq1 Q0 d2 2 2.5 t\nq2 Q0 d3 1 1.0 t\n';
const QRELS = 'q1 0 d1 1\nq1 0 d3 1\nq2 0 d3 2\n';
const METRICS = ['map', 'ndcg@10', 'recall@10', 'p@5', 'mrr@10', 'recip_rank'];

const readBoth = (dir: string) =>
  Promise.all([readTrecQrels(`${dir}/qrels.txt`), readRun(`${dir}/run.txt`)]);
const runOnly = (dir: string) => readRun(`${dir}/run.txt`);
const qrelsOnly = (dir: string) => readTrecQrels(`${dir}/qrels.txt`);
const files = (run: FileSpec, qrels: FileSpec = QRELS): Record<string, FileSpec> => ({
  'run.txt': run,
  'qrels.txt': qrels,
});

type Bad = [name: string, line: string | Uint8Array, field: string];

function lineCases(
  file: 'run.txt' | 'qrels.txt',
  base: string,
  bad: readonly Bad[],
): HostileCase[] {
  const lines = base.trimEnd().split('\n');
  return bad.map(([name, line, field]): HostileCase => {
    const text = Buffer.concat([
      Buffer.from(lines[0] + '\n'),
      Buffer.from(line),
      Buffer.from('\n' + lines.slice(2).join('\n') + '\n'),
    ]);
    return {
      name: `${file} line 2 ${name}`,
      files: file === 'run.txt' ? files(text) : files(RUN, text),
      run: file === 'run.txt' ? runOnly : qrelsOnly,
      expect: { error: [`${file}:2`, field] },
    };
  });
}

const runBad: Bad[] = [
  ['with five fields', 'q1 Q0 d2 2 2.5', 'line'],
  ['with seven fields', 'q1 Q0 d2 2 2.5 t extra', 'line'],
  ['with score "abc"', 'q1 Q0 d2 2 abc t', 'score'],
  ['with score 1,5', 'q1 Q0 d2 2 1,5 t', 'score'],
  ['with score NaN', 'q1 Q0 d2 2 NaN t', 'score'],
  ['with score Infinity', 'q1 Q0 d2 2 Infinity t', 'score'],
  ['with score 1e999 (overflows to Infinity)', 'q1 Q0 d2 2 1e999 t', 'score'],
  ['with score -1e999', 'q1 Q0 d2 2 -1e999 t', 'score'],
  ['with score 0x10', 'q1 Q0 d2 2 0x10 t', 'score'],
  ['retrieving d1 twice', 'q1 Q0 d1 2 2.5 t', 'docid'],
  ['with a doc id that is not UTF-8', withBadUtf8('q1 Q0 d', '2 2 2.5 t'), 'UTF-8'],
  ['with a query id that is not UTF-8', withBadUtf8('q', '1 Q0 d2 2 2.5 t'), 'UTF-8'],
  ['of 50 MB without spaces', 'x'.repeat(50 << 20), 'line'],
];
const qrelsBad: Bad[] = [
  ['with three fields', 'q1 0 d3', 'line'],
  ['with five fields', 'q1 0 d3 1 x', 'line'],
  ['with grade 1.5', 'q1 0 d3 1.5', 'grade'],
  ['with grade "rel"', 'q1 0 d3 rel', 'grade'],
  ['with grade 99999999999999999999', 'q1 0 d3 99999999999999999999', 'grade'],
  ['judging d1 twice', 'q1 0 d1 1', 'docid'],
  ['with a doc id that is not UTF-8', withBadUtf8('q1 0 d', '3 1'), 'UTF-8'],
];

/** Scores of the run/qrels above with every id renamed to `rename(id)`. */
function renamedCase(label: string, rename: (id: string) => string): HostileCase {
  const map = (text: string): string => text.replace(/\b(q\d|d\d)\b/g, (id) => rename(id));
  return {
    name: `ids renamed to ${label} score as the plain ids do`,
    files: files(map(RUN), map(QRELS)),
    run: async (dir) => {
      const [qrels, run] = await readBoth(dir);
      return evaluateRun(qrels, run, METRICS, { complete: true });
    },
    expect: {
      accept: (v) => {
        const expected = evaluateRun(
          { q1: { d1: 1, d3: 1 }, q2: { d3: 2 } },
          { q1: { d1: 3.5, d2: 2.5 }, q2: { d3: 1 } },
          METRICS,
          { complete: true },
        );
        const got = (v as ReturnType<typeof evaluateRun>).aggregate;
        for (const m of METRICS)
          check(
            Math.abs(got[m]! - expected.aggregate[m]!) < 1e-12,
            `${m}: ${got[m]} vs ${expected.aggregate[m]}`,
          );
        check(Object.getPrototypeOf({}).map === undefined, 'Object.prototype untouched');
      },
    },
  };
}

const ALIASES: Record<string, string> = { q1: 'QA', q2: 'QB', d1: 'DA', d2: 'DB', d3: 'DC' };
const protoCases: HostileCase[] = [
  ...PROTO_IDS.map((id) =>
    renamedCase(`"${id}" (query q1, doc d1)`, (x) => (x === 'q1' || x === 'd1' ? id : x)),
  ),
  renamedCase(
    '"__proto__" docs and "constructor" queries',
    (x) =>
      ({ q1: 'constructor', q2: 'toString', d1: '__proto__', d2: 'valueOf', d3: 'hasOwnProperty' })[
        x
      ] ?? x,
  ),
  // Two prototype-shaped docs under one query: no false "retrieved twice".
  renamedCase(
    '"constructor"/"toString" for d1/d2',
    (x) => ({ d1: 'constructor', d2: 'toString' })[x] ?? ALIASES[x]!,
  ),
];

const evalRun = (dir: string, ...extra: string[]) =>
  cli(['eval-run', '--qrels', `${dir}/qrels.txt`, '--run', `${dir}/run.txt`, ...extra]);
const warned = (pattern: RegExp) => (v: unknown) => {
  const r = v as CliResult;
  check(pattern.test(r.stderr), `warning ${pattern} on stderr: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as { aggregate: Record<string, number>; warnings?: string[] };
  check(
    (json.warnings ?? []).some((w) => pattern.test(w)),
    'warning in --json',
  );
};

const fileCases: HostileCase[] = [
  {
    name: 'a run file that is a folder',
    files: { 'run.txt': { folder: true }, 'qrels.txt': QRELS },
    run: runOnly,
    expect: { error: ['run.txt', 'EISDIR'] },
  },
  {
    name: 'a qrels file that is a folder',
    files: { 'run.txt': RUN, 'qrels.txt': { folder: true } },
    run: qrelsOnly,
    expect: { error: ['qrels.txt', 'EISDIR'] },
  },
  {
    name: 'no run file',
    files: { 'qrels.txt': QRELS },
    run: runOnly,
    expect: { error: ['run.txt', 'ENOENT'] },
  },
  // Past V8's 512 MiB string limit, where readline threw an uncaught RangeError. The
  // other areas use 257 MiB (just past lines.ts's limit): reading a sparse file costs seconds.
  {
    name: 'a 600 MB run line (sparse file)',
    files: files({ sparse: 600 << 20, prefix: 'q1 Q0 ' }),
    run: runOnly,
    expect: { error: ['run.txt:1', 'longer than'] },
  },
  {
    name: 'blank lines, tabs and CRLF in a run',
    files: files('q1\tQ0\td1\t1\t3.5\tt\r\n\r\n  q2 Q0 d3 1 1 t  \r\n'),
    run: runOnly,
    expect: {
      accept: (v) =>
        check(JSON.stringify(v) === '{"q1":{"d1":3.5},"q2":{"d3":1}}', JSON.stringify(v)),
    },
  },
  {
    name: 'negative and zero grades',
    files: files(RUN, 'q1 0 d1 -1\nq1 0 d2 0\nq2 0 d3 1\n'),
    run: qrelsOnly,
    expect: {
      accept: (v) =>
        check(JSON.stringify(v) === '{"q1":{"d1":-1,"d2":0},"q2":{"d3":1}}', JSON.stringify(v)),
    },
  },
  {
    name: 'score 1e308 (finite) and -0',
    files: files('q1 Q0 d1 1 1e308 t\nq1 Q0 d2 2 -0 t\n'),
    run: runOnly,
    expect: {
      accept: (v) =>
        check((v as Record<string, Record<string, number>>)['q1']!['d1'] === 1e308, 'kept'),
    },
  },
  // eval-run: warnings where the numbers mean nothing.
  {
    name: 'eval-run on an empty run',
    files: files(''),
    run: (d) => evalRun(d, '--json'),
    expect: { reported: true, accept: warned(/run has no results/) },
  },
  {
    name: 'eval-run on empty qrels',
    files: files(RUN, '\n'),
    run: (d) => evalRun(d, '--json'),
    expect: { reported: true, accept: warned(/no judgements/) },
  },
  {
    name: 'eval-run on a run sharing no query with the qrels',
    files: files(RUN, 'x1 0 d1 1\n'),
    run: (d) => evalRun(d, '--json'),
    expect: { reported: true, accept: warned(/none of its 2 queries/) },
  },
  {
    name: 'eval-run on qrels with nothing relevant',
    files: files(RUN, 'q1 0 d1 0\n'),
    run: (d) => evalRun(d, '--json'),
    expect: { reported: true, accept: warned(/no judgement has grade/) },
  },
  {
    name: 'eval-run on sound files prints no warning',
    files: files(RUN),
    run: (d) => evalRun(d, '--json'),
    expect: {
      accept: (v) => {
        const r = v as CliResult;
        check(r.stderr === '', `no stderr: ${r.stderr}`);
        check(
          Object.keys(JSON.parse(r.stdout) as object).join() === 'aggregate,perQuery',
          'two keys',
        );
      },
    },
  },
  {
    name: 'eval-run with a bad run line',
    files: files('q1 Q0 d1 1 x t\n'),
    run: (d) => evalRun(d),
    expect: { error: ['run.txt:1', 'score'] },
  },
  {
    name: 'eval-run with a missing qrels file',
    files: { 'run.txt': RUN },
    run: (d) => evalRun(d),
    expect: { error: ['qrels.txt', 'ENOENT'] },
  },
];

/** Runs that retrieval builds keep prototype-named query and document ids. */
const retrievalCases: HostileCase[] = [
  {
    name: 'BM25 over documents and queries with prototype-shaped ids',
    files: {},
    run: async () => {
      const corpus = Object.fromEntries(
        PROTO_IDS.map((id, i) => [id, { title: '', text: `word${i} shared` }]),
      );
      const queries = Object.fromEntries(PROTO_IDS.map((id, i) => [id, { text: `word${i}` }]));
      return Bm25Index.build(corpus).searchAll(queries, 3);
    },
    expect: {
      accept: (v) => {
        const run = v as Record<string, Record<string, number>>;
        check(Object.keys(run).join() === PROTO_IDS.join(), `queries: ${Object.keys(run).join()}`);
        for (const id of PROTO_IDS)
          check(
            Object.keys(run[id]!)[0] === id,
            `${id} retrieves itself first: ${Object.keys(run[id]!).join()}`,
          );
      },
    },
  },
  {
    name: 'topKToRun with prototype-shaped ids',
    files: {},
    run: async () =>
      topKToRun(
        {
          indices: Int32Array.from([0, 1, 1, 0]),
          scores: Float32Array.from([2, 1, 2, 1]),
          numQueries: 2,
          k: 2,
        },
        ['__proto__', 'constructor'],
        ['toString', '__proto__'],
      ),
    expect: {
      accept: (v) =>
        check(
          JSON.stringify(v) ===
            '{"__proto__":{"toString":2,"__proto__":1},"constructor":{"__proto__":2,"toString":1}}',
          JSON.stringify(v),
        ),
    },
  },
];

describeCases('trec', [
  ...retrievalCases,
  ...lineCases('run.txt', RUN, runBad),
  ...lineCases('qrels.txt', QRELS, qrelsBad),
  ...protoCases,
  ...fileCases,
]);
