/**
 * Hostile `kalelab encode` runs (main() in-process, on a copy of the tiny checkpoint): bad
 * input lines are refused by file:line and field before any compute; an --out that is the
 * input, a model file or a link to one is refused and the input stays intact (the runner
 * hashes it); bad options are named.
 */
import { readFileSync } from 'node:fs';
import { beforeAll } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import {
  check,
  cli,
  describeCases,
  withBadUtf8,
  type FileSpec,
  type HostileCase,
} from './corpus.js';
import { tinyModel } from './tiny-model.js';

beforeAll(async () => {
  process.env['KALELAB_QUIET'] = '1';
  await initBackend({ prefer: 'cpu', announce: false });
});

const GOOD = '{"id":"a","text":"the first text"}\n{"id":"b","text":"another one"}\n';

function folder(input: FileSpec, extra: Record<string, FileSpec> = {}): Record<string, FileSpec> {
  const model = Object.fromEntries(Object.entries(tinyModel()).map(([k, v]) => [`model/${k}`, v]));
  return { ...model, 'in.jsonl': input, ...extra };
}

const encode =
  (...extra: string[]) =>
  (dir: string) => {
    const args = ['encode', '--model', `${dir}/model`, '--input', `${dir}/in.jsonl`];
    const out = extra.includes('--out') ? [] : ['--out', `${dir}/out.jsonl`];
    return cli([...args, ...out, ...extra.map((a) => a.replace('$DIR', dir))]);
  };

/** The second input line replaced by `line`: an error naming in.jsonl:2 and `names`. */
function badLine(name: string, line: string | Uint8Array, ...names: string[]): HostileCase {
  return {
    name: `input line 2 ${name}`,
    files: folder(
      Buffer.concat([
        Buffer.from('{"id":"a","text":"ok"}\n'),
        Buffer.from(line),
        Buffer.from('\n'),
      ]),
    ),
    run: encode(),
    expect: { error: ['in.jsonl:2', ...names] },
  };
}

const lineCases: HostileCase[] = [
  badLine('malformed JSON', '{"id":"b",', 'not valid JSON'),
  badLine('an array', '["b","text"]', 'expected an object'),
  badLine('without id', '{"text":"x"}', 'field "id"'),
  badLine('with an object id', '{"id":{"x":1},"text":"x"}', 'field "id"'),
  badLine('with an id above 2^53', '{"id":12345678901234567890,"text":"x"}', 'field "id"', '2^53'),
  badLine('with a fractional id', '{"id":1.5,"text":"x"}', 'field "id"'),
  badLine('without text', '{"id":"b"}', 'field "text"'),
  badLine('with a numeric text', '{"id":"b","text":3}', 'field "text"'),
  badLine('repeating id "a"', '{"id":"a","text":"again"}', 'field "id"', 'repeats line 1'),
  badLine('with bytes that are not UTF-8', withBadUtf8('{"id":"b","text":"', '"}'), 'UTF-8'),
  badLine('of 50 MB, malformed', '{"id":"b","text":"' + 'z'.repeat(50 << 20), 'not valid JSON'),
  badLine(
    'with a 50 MB object id',
    '{"id":{"k":"' + 'z'.repeat(50 << 20) + '"},"text":"x"}',
    'field "id"',
  ),
  {
    name: 'a 257 MiB input line, past the 256 MiB line limit (sparse file)',
    files: folder({ sparse: 257 << 20, prefix: '{"id":"a","text":"' }),
    run: encode(),
    expect: { error: ['in.jsonl:1', 'longer than'] },
  },
];

const outCases: HostileCase[] = [
  {
    name: '--out naming the input',
    files: folder(GOOD),
    run: encode('--out', '$DIR/in.jsonl'),
    expect: { error: ['--out', 'in.jsonl', 'same file'] },
  },
  {
    name: '--out a hard link to the input',
    files: folder(GOOD, { 'hard.jsonl': { hardlinkTo: 'in.jsonl' } }),
    run: encode('--out', '$DIR/hard.jsonl'),
    expect: { error: ['--out', 'hard.jsonl', 'same file'] },
  },
  {
    name: '--out a symlink to the input',
    files: folder(GOOD, { 'soft.jsonl': { symlinkTo: 'in.jsonl' } }),
    run: encode('--out', '$DIR/soft.jsonl'),
    expect: { error: ['--out', 'soft.jsonl', 'same file'] },
  },
  {
    name: '--out the input through "./"',
    files: folder(GOOD),
    run: encode('--out', '$DIR/./model/../in.jsonl'),
    expect: { error: ['--out', 'same file'] },
  },
  {
    name: '--out the model config.json',
    files: folder(GOOD),
    run: encode('--out', '$DIR/model/config.json'),
    expect: { error: ['--out', 'config.json', 'same file'] },
  },
  {
    name: '--out a symlink to model.safetensors',
    files: folder(GOOD, { 'w.jsonl': { symlinkTo: 'model/model.safetensors' } }),
    run: encode('--out', '$DIR/w.jsonl'),
    expect: { error: ['--out', 'w.jsonl', 'same file'] },
  },
  {
    name: '--out a folder',
    files: folder(GOOD, { outdir: { folder: true } }),
    run: encode('--out', '$DIR/outdir'),
    expect: { error: ['--out', 'outdir', 'folder'] },
  },
  {
    name: '--out under a file',
    files: folder(GOOD, { plain: 'x' }),
    run: encode('--out', '$DIR/plain/out.jsonl'),
    expect: { error: ['--out', 'plain/out.jsonl', 'not a folder'] },
  },
];

const optionCases: HostileCase[] = [
  {
    name: '--pooling max',
    files: folder(GOOD),
    run: encode('--pooling', 'max'),
    expect: { error: ['--pooling', '"max"', 'cls, mean'] },
  },
  {
    name: '--batch-size 0',
    files: folder(GOOD),
    run: encode('--batch-size', '0'),
    expect: { error: ['--batch-size', '"0"'] },
  },
  {
    name: '--batch-size abc',
    files: folder(GOOD),
    run: encode('--batch-size', 'abc'),
    expect: { error: ['--batch-size', '"abc"'] },
  },
  {
    name: '--batch-size 1.5',
    files: folder(GOOD),
    run: encode('--batch-size', '1.5'),
    expect: { error: ['--batch-size'] },
  },
  {
    name: '--max-length -3',
    files: folder(GOOD),
    run: encode('--max-length', '-3'),
    expect: { error: ['--max-length'] },
  },
  {
    name: '--max-length past the model',
    files: folder(GOOD),
    run: encode('--max-length', '100000'),
    expect: { error: ['--max-length', 'max_position_embeddings'] },
  },
  {
    name: '--model a missing folder',
    files: folder(GOOD),
    run: encode('--model', '$DIR/nope'),
    expect: { error: ['nope', 'config.json'] },
  },
  {
    name: '--input a missing file',
    files: { x: 'y' },
    run: encode(),
    expect: { error: ['in.jsonl', 'ENOENT'] },
  },
  {
    name: '--input a folder',
    files: folder({ folder: true }),
    run: encode(),
    expect: { error: ['in.jsonl', 'EISDIR'] },
  },
  {
    name: 'no --out option',
    files: folder(GOOD),
    run: (dir) => cli(['encode', '--model', `${dir}/model`, '--input', `${dir}/in.jsonl`]),
    expect: { error: ["'--out <file>'"] },
  },
];

const rows = (dir: string): Array<{ id: unknown; embedding: number[] }> =>
  readFileSync(`${dir}/out.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { id: unknown; embedding: number[] });

const goodCases: HostileCase[] = [
  {
    name: 'a BOM, CRLF, blank lines and ids 7 and "7"',
    files: folder(
      '\ufeff{"id":7,"text":"seven"}\r\n\r\n{"id":"7","text":"seven as text"}\r\n{"id":"__proto__","text":"proto"}\n',
    ),
    run: encode(),
    expect: {
      accept: (_, dir) => {
        const out = rows(dir);
        check(
          JSON.stringify(out.map((r) => r.id)) === '[7,"7","__proto__"]',
          JSON.stringify(out.map((r) => r.id)),
        );
        check(
          out.every((r) => r.embedding.length === 32 && r.embedding.every(Number.isFinite)),
          '32 finite floats each',
        );
      },
    },
  },
  {
    name: 'an empty input writes an empty output',
    files: folder(''),
    run: encode(),
    expect: {
      accept: (_, dir) => check(readFileSync(`${dir}/out.jsonl`, 'utf8') === '', 'empty file'),
    },
  },
];

describeCases('encode', [...lineCases, ...outCases, ...optionCases, ...goodCases]);
