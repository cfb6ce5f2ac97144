/**
 * Hostile dataset spec strings (`KIND:PATH`, WordNet options), through loadDataset and
 * `kalelab dataset`: every bad spec is an error quoting it (or the option inside it); a
 * WordNet spec that selects no query is an error, not an empty dataset.
 */
import { loadDataset, parseDatasetSpec } from '../../src/data/index.js';
import type { RetrievalDataset } from '../../src/data/index.js';
import { check, cli, describeCases, type CliResult, type HostileCase } from './corpus.js';

const BEIR = {
  'beir/corpus.jsonl': '{"_id":"d1","text":"one"}\n',
  'beir/queries.jsonl': '{"_id":"q1","text":"first"}\n',
  'beir/qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t1\n',
};

const parse = (spec: string) => async () => parseDatasetSpec(spec);
const load = (spec: string) => (dir: string) => loadDataset(spec.replace('$DIR', dir));

function bad(
  spec: string,
  run: (dir: string) => Promise<unknown>,
  ...names: string[]
): HostileCase {
  return { name: `spec ${JSON.stringify(spec)}`, files: BEIR, run, expect: { error: names } };
}

const parseCases: HostileCase[] = [
  bad('', parse(''), 'dataset spec ""', 'unknown kind'),
  bad(':x', parse(':x'), 'unknown kind'),
  bad('foo:x', parse('foo:x'), '"foo"', 'allowed: wordnet-senses'),
  bad('BEIR:x', parse('BEIR:x'), '"BEIR"'),
  bad('beir', parse('beir'), 'beir needs a path'),
  bad('beir:', parse('beir:'), 'beir needs a path'),
  bad('beir:   ', parse('beir:   '), 'beir needs a path'),
  bad('dpr:', parse('dpr:'), 'dpr needs a path'),
  bad('msmarco', parse('msmarco'), 'msmarco needs a path'),
  bad('wordnet-sense:quick', parse('wordnet-sense:quick'), '"wordnet-sense"'),
];

const wordnetCases: HostileCase[] = [
  bad('wordnet-senses:bogus', load('wordnet-senses:bogus'), '"bogus"', 'quick, full or key=value'),
  bad('wordnet-senses:seed=1,quick', load('wordnet-senses:seed=1,quick'), '"quick"'),
  bad('wordnet-senses:quick,full', load('wordnet-senses:quick,full'), '"full"'),
  bad('wordnet-senses:seed=x', load('wordnet-senses:seed=x'), 'seed=x', 'integer'),
  bad('wordnet-senses:seed=1.5', load('wordnet-senses:seed=1.5'), 'seed=1.5'),
  bad(
    'wordnet-senses:seed=99999999999999999999',
    load('wordnet-senses:seed=99999999999999999999'),
    'seed=99999999999999999999',
  ),
  bad('wordnet-senses:seed=1,seed=2', load('wordnet-senses:seed=1,seed=2'), '"seed"', 'twice'),
  bad('wordnet-senses:maxQueries=0', load('wordnet-senses:maxQueries=0'), 'maxQueries'),
  bad('wordnet-senses:maxQueries=-5', load('wordnet-senses:maxQueries=-5'), 'maxQueries'),
  bad('wordnet-senses:maxQueries=many', load('wordnet-senses:maxQueries=many'), 'maxQueries=many'),
  bad('wordnet-senses:corpus=some', load('wordnet-senses:corpus=some'), 'corpus', '"some"'),
  bad('wordnet-senses:pos=x', load('wordnet-senses:pos=x'), 'pos=x'),
  bad('wordnet-senses:pos=', load('wordnet-senses:pos='), 'pos='),
  bad('wordnet-senses:pos=n+', load('wordnet-senses:pos=n+'), 'pos=n+'),
  bad('wordnet-senses:minQueryWords=-1', load('wordnet-senses:minQueryWords=-1'), 'minQueryWords'),
  bad('wordnet-senses:color=red', load('wordnet-senses:color=red'), '"color"', 'allowed'),
  bad('wordnet-senses:=3', load('wordnet-senses:=3'), 'unknown option ""'),
  bad(
    'wordnet-senses:minQueryWords=1000',
    load('wordnet-senses:minQueryWords=1000'),
    'select no query',
    'minQueryWords=1000',
  ),
  bad(
    'wordnet-definitions:minQueryWords=500,pos=r',
    load('wordnet-definitions:minQueryWords=500,pos=r'),
    'wordnet-definitions',
    'select no query',
  ),
];

const pathCases: HostileCase[] = [
  bad('beir:$DIR/missing', load('beir:$DIR/missing'), 'missing', 'corpus.jsonl', 'not found'),
  bad(
    'beir:$DIR/beir/corpus.jsonl (a file)',
    load('beir:$DIR/beir/corpus.jsonl'),
    'corpus.jsonl',
    'not found',
  ),
  bad('dpr:$DIR/missing.json', load('dpr:$DIR/missing.json'), 'missing.json', 'not found'),
  bad('msmarco:$DIR/beir (wrong kind)', load('msmarco:$DIR/beir'), 'collection.tsv', 'not found'),
];

const ds = (v: unknown) => v as RetrievalDataset;
const acceptCases: HostileCase[] = [
  {
    name: 'spec "beir:$DIR/beir" with spaces around',
    files: BEIR,
    run: load(' beir : $DIR/beir '),
    expect: { accept: (v) => check(ds(v).corpus['d1']?.text === 'one', 'loaded') },
  },
  {
    name: 'spec "wordnet-senses:maxQueries=20,corpus=related,seed=3"',
    files: {},
    run: load('wordnet-senses:maxQueries=20,corpus=related,seed=3'),
    expect: {
      accept: (v) => {
        const n = Object.values(ds(v).splits).reduce(
          (a, s) => a + Object.keys(s!.queries).length,
          0,
        );
        check(n === 20, `${n} queries`);
      },
    },
  },
  {
    name: 'kalelab dataset --json on a BEIR folder with a counted bad qrels line',
    files: {
      ...BEIR,
      'beir/qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\tnope\t1\n',
    },
    run: (dir) => cli(['dataset', '--dataset', `beir:${dir}/beir`, '--json']),
    expect: {
      reported: true,
      accept: (v) => {
        const json = JSON.parse((v as CliResult).stdout) as {
          load: { skipped: Record<string, number> };
        };
        check(json.load.skipped['qrels:unknown-doc'] === 1, JSON.stringify(json.load));
      },
    },
  },
  {
    name: 'kalelab dataset --strict on the same folder fails naming the line',
    files: {
      ...BEIR,
      'beir/qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\tnope\t1\n',
    },
    run: (dir) => cli(['dataset', '--dataset', `beir:${dir}/beir`, '--strict']),
    expect: { error: ['test.tsv:3', 'corpus-id', 'kalelab: '] } as HostileCase['expect'],
  },
];

describeCases('spec', [...parseCases, ...wordnetCases, ...pathCases, ...acceptCases]);
