/**
 * Hostile inputs of `kalelab experiment` and `kalelab walkthrough`, through main()
 * in-process: a bad --init checkpoint, --word-vectors file, --out, or a bad second
 * --dataset fails at once (the preflight, experiment/preflight.ts), with one clear line
 * naming the option and the file, before any model is made: each case also checks that
 * --out holds no models/ folder and that it failed within seconds.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { check, cli, describeCases, type FileSpec, type HostileCase } from './corpus.js';
import { tinyModel } from './tiny-model.js';

const BEIR: Record<string, FileSpec> = {
  'data/corpus.jsonl': '{"_id":"d1","text":"one river"}\n{"_id":"d2","text":"two stones"}\n',
  'data/queries.jsonl': '{"_id":"q1","text":"river"}\n{"_id":"q2","text":"stones"}\n',
  'data/qrels/train.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t1\n',
  'data/qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq2\td2\t1\n',
};

/** Seconds a refused run may take on a loaded 2-core machine (training would take minutes). */
const MAX_SECONDS = 30;

/** Every folder under `dir` named `models`, relative. */
function modelFolders(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name === 'models')
    .map((e) => join(e.parentPath, e.name));
}

/** Runs `kalelab …args` ($DIR is the case folder); checks no models/ and the time after. */
function kalelab(out: string, ...args: string[]) {
  return async (dir: string) => {
    const started = performance.now();
    try {
      return await cli(args.map((a) => a.replaceAll('$DIR', dir)));
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const outDir = join(dir, out);
      check(modelFolders(outDir).length === 0, `models written under ${outDir}`);
      check(seconds < MAX_SECONDS, `took ${seconds.toFixed(1)} s`);
    }
  };
}

const experiment = (...extra: string[]) =>
  kalelab('out', 'experiment', '--dataset', 'beir:$DIR/data', '--out', '$DIR/out', ...extra);

function bad(
  name: string,
  files: Record<string, FileSpec>,
  run: (dir: string) => Promise<unknown>,
  ...names: Array<string | RegExp>
): HostileCase {
  return { name, files: { ...BEIR, ...files }, run, expect: { error: names } };
}

const model = (config: Record<string, unknown> = {}, files: Record<string, FileSpec> = {}) =>
  Object.fromEntries(Object.entries(tinyModel(config, files)).map(([k, v]) => [`model/${k}`, v]));

const initCases: HostileCase[] = [
  bad(
    '--init a missing folder',
    {},
    experiment('--init', '$DIR/nope'),
    '--init',
    'nope/config.json',
    'ENOENT',
  ),
  bad(
    '--init a file',
    { 'model.txt': 'x' },
    experiment('--init', '$DIR/model.txt'),
    '--init',
    'model.txt/config.json',
  ),
  bad(
    '--init config.json not JSON',
    { ...model(), 'model/config.json': '{"num_hidden_layers": 4,' },
    experiment('--init', '$DIR/model'),
    '--init',
    'model/config.json',
  ),
  bad(
    '--init a 3-layer model pruned to 3 layers',
    model({ num_hidden_layers: 3 }),
    experiment('--init', '$DIR/model', '--depths', '1,3'),
    '--init',
    'model/config.json has num_hidden_layers 3',
    'in 1…2; got 3',
  ),
  bad(
    '--init a 2-layer model pruned to 2 layers',
    model({ num_hidden_layers: 2 }),
    experiment('--init', '$DIR/model', '--depths', '2'),
    'num_hidden_layers 2',
    'in 1…1; got 2',
  ),
  bad(
    '--init a 1-layer model',
    model({ num_hidden_layers: 1 }),
    experiment('--init', '$DIR/model', '--depths', '1'),
    'model/config.json has num_hidden_layers 1',
    'at least 2 layers',
  ),
  bad(
    '--init num_hidden_layers 10^6',
    model({ num_hidden_layers: 1e6 }),
    experiment('--init', '$DIR/model', '--depths', '1'),
    '--init',
    'model/config.json',
    '"num_hidden_layers"',
  ),
  bad(
    '--init without model.safetensors',
    { ...model(), 'model/model.safetensors': { folder: true } },
    experiment('--init', '$DIR/model', '--depths', '1'),
    '--init',
    'model.safetensors',
  ),
  bad(
    '--init with a pickle only',
    { 'model/config.json': model()['model/config.json']!, 'model/pytorch_model.bin': 'PK' },
    experiment('--init', '$DIR/model', '--depths', '1'),
    '--init',
    'pytorch_model.bin',
    'safetensors',
  ),
  bad(
    '--init a truncated model.safetensors',
    { ...model(), 'model/model.safetensors': new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123]) },
    experiment('--init', '$DIR/model', '--depths', '1'),
    '--init',
    'model.safetensors',
  ),
  bad(
    '--init without a vocabulary',
    { ...model(), 'model/vocab.txt': { folder: true } },
    experiment('--init', '$DIR/model', '--depths', '1'),
    '--init',
    'vocab.txt',
  ),
];

const vectorCases: HostileCase[] = [
  bad(
    '--depths deeper than the grid model (no --init)',
    {},
    experiment('--depths', '1,4'),
    '--depths',
    "the grid's full model has 4 layers",
    'got 4',
  ),
  bad(
    '--word-vectors a missing file',
    {},
    experiment('--word-vectors', '$DIR/v.txt'),
    '--word-vectors',
    'v.txt',
    'ENOENT',
  ),
  bad(
    '--word-vectors a folder',
    { 'v.txt': { folder: true } },
    experiment('--word-vectors', '$DIR/v.txt'),
    '--word-vectors',
    'v.txt: not a file',
  ),
  bad(
    '--word-vectors an empty file',
    { 'v.txt': '' },
    experiment('--word-vectors', '$DIR/v.txt'),
    '--word-vectors',
    'v.txt',
    'no word vectors',
  ),
  bad(
    '--word-vectors a value not a number',
    { 'v.txt': 'river 0.1 abc\n' },
    experiment('--word-vectors', '$DIR/v.txt'),
    'v.txt:1',
    'value 2 of "river"',
  ),
  bad(
    '--word-vectors a word without values',
    { 'v.txt': 'river\n' },
    experiment('--word-vectors', '$DIR/v.txt'),
    'v.txt:1',
    'a word and numbers',
  ),
  bad(
    '--word-vectors a header that disagrees',
    { 'v.txt': '1 3\nriver 0.1 0.2\n' },
    experiment('--word-vectors', '$DIR/v.txt'),
    'v.txt:2',
    'says 3 dimensions',
  ),
  bad(
    '--word-vectors JSON that is not an object',
    { 'v.json': '[]' },
    experiment('--word-vectors', '$DIR/v.json'),
    'v.json:1',
    'JSON object',
  ),
  bad(
    '--word-vectors binary bytes (two space-separated fields: read as a header)',
    { 'v.txt': new Uint8Array([0, 1, 2, 255, 32, 7, 10]) },
    experiment('--word-vectors', '$DIR/v.txt'),
    '--word-vectors',
    'v.txt: no vector line after the header on line 1',
  ),
  bad(
    '--word-vectors binary bytes without spaces',
    { 'v.txt': new Uint8Array([0, 1, 2, 255, 7, 10, 9, 9]) },
    experiment('--word-vectors', '$DIR/v.txt'),
    '--word-vectors',
    'v.txt:1',
  ),
];

const outCases: HostileCase[] = [
  bad('--out a file', { out: 'x' }, experiment(), '--out', '/out: exists and is not a folder'),
  bad(
    '--out under a file',
    { f: 'x' },
    kalelab('f', 'experiment', '--dataset', 'beir:$DIR/data', '--out', '$DIR/f/out'),
    '--out',
    'f/out',
    'ENOTDIR',
  ),
];

/** A second --dataset that is bad: the first is fine and must not be trained on. */
const twice = (second: string) =>
  kalelab('out', 'experiment', '--dataset', `beir:$DIR/data;${second}`, '--out', '$DIR/out');

const datasetCases: HostileCase[] = [
  bad('2nd --dataset a missing folder', {}, twice('beir:$DIR/nope'), '(2 of 2)', 'nope'),
  bad(
    '2nd --dataset an unknown kind',
    {},
    twice('beer:$DIR/data'),
    '(2 of 2)',
    'unknown kind "beer"',
  ),
  bad('2nd --dataset without a path', {}, twice('msmarco'), '(2 of 2)', 'msmarco needs a path'),
  bad(
    '2nd --dataset a bad corpus line',
    {
      'two/corpus.jsonl': '{"_id":"d1","text":"a"}\n{"_id":\n',
      'two/queries.jsonl': '{"_id":"q1","text":"a"}\n',
      'two/qrels/test.tsv': 'q1\td1\t1\n',
    },
    twice('beir:$DIR/two'),
    '(2 of 2)',
    'two/corpus.jsonl:2',
  ),
  bad(
    '2nd --dataset without a train split',
    {
      'two/corpus.jsonl': '{"_id":"d1","text":"a"}\n',
      'two/queries.jsonl': '{"_id":"q1","text":"a"}\n',
      'two/qrels/test.tsv': 'q1\td1\t1\n',
    },
    twice('beir:$DIR/two'),
    '(2 of 2)',
    'needs a train and a test split',
    'no train split',
  ),
  bad(
    '2nd --dataset a WordNet option unknown',
    {},
    twice('wordnet-senses:color=red'),
    '(2 of 2)',
    '"color"',
  ),
  bad(
    '2nd --dataset a WordNet spec selecting nothing',
    {},
    twice('wordnet-senses:quick,pos=r,minQueryWords=500'),
    '(2 of 2)',
    'wordnet-senses',
  ),
];

const walkthroughCases: HostileCase[] = [
  bad(
    'walkthrough --depths deeper than its model',
    {},
    kalelab('out', 'walkthrough', '--quick', '--out', '$DIR/out', '--depths', '2'),
    '--depths',
    "the grid's full model has 2 layers, so every query depth (--depths) must be in 1…1; got 2",
  ),
  bad(
    'walkthrough --out a file',
    { out: 'x' },
    kalelab('out', 'walkthrough', '--quick', '--out', '$DIR/out'),
    '--out',
    'exists and is not a folder',
  ),
  bad(
    'walkthrough --word-vectors a bad file',
    { 'v.txt': 'river x y\n' },
    kalelab('out', 'walkthrough', '--quick', '--out', '$DIR/out', '--word-vectors', '$DIR/v.txt'),
    '--word-vectors',
    'v.txt:1',
  ),
];

/** --estimate-only makes nothing: not even the --out folder the real run would check. */
const estimateOnly: HostileCase = {
  name: 'walkthrough --estimate-only with a fresh --out',
  files: {},
  run: (dir) => cli(['walkthrough', '--quick', '--estimate-only', '--out', `${dir}/out`]),
  expect: {
    accept: (_, dir) => check(!existsSync(join(dir, 'out')), 'made --out for an estimate'),
  },
};

describeCases('experiment', [
  estimateOnly,
  ...initCases,
  ...vectorCases,
  ...outCases,
  ...datasetCases,
  ...walkthroughCases,
]);
