import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { streamJsonArray } from '../../src/data/index.js';
import { expectFormatError, removeTempDatasets, tempDataset } from './helpers.js';

afterAll(removeTempDatasets);

async function collect(path: string, chunkBytes?: number) {
  const out = [];
  for await (const e of streamJsonArray(path, { chunkBytes })) out.push(e);
  return out;
}

describe('streamJsonArray', () => {
  const items = [
    { a: 1, s: 'braces } { ] [ inside', nested: { x: [1, { y: 2 }] } },
    { q: 'escaped \\" quote and backslash \\\\', u: 'ünïcode ✓' },
    { empty: {} },
  ];
  const text = '[\n  ' + items.map((i) => JSON.stringify(i)).join(',\n  ') + '\n]\n';
  const dir = tempDataset({ 'a.json': text, 'one-line.json': JSON.stringify(items) });

  it.each([undefined, 1, 3, 16])('yields each element with its line (chunk %s)', async (chunk) => {
    const got = await collect(join(dir, 'a.json'), chunk);
    expect(got.map((e) => e.value)).toEqual(items);
    expect(got.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(got.map((e) => e.line)).toEqual([2, 3, 4]);
  });

  it('reads a one-line file the same way', async () => {
    const got = await collect(join(dir, 'one-line.json'), 5);
    expect(got.map((e) => e.value)).toEqual(items);
    expect(got.map((e) => e.line)).toEqual([1, 1, 1]);
  });

  it('accepts an empty array', async () => {
    const d = tempDataset({ 'e.json': ' [ ] ' });
    expect(await collect(join(d, 'e.json'))).toEqual([]);
  });

  it('names file, line and field for a file that is not an array', async () => {
    const d = tempDataset({ 'x.json': '\n{"a": 1}' });
    await expectFormatError(collect(join(d, 'x.json')), {
      file: 'x.json',
      line: 2,
      field: '(json)',
      message: /expected a JSON array/,
    });
  });

  it('names the line of a malformed element', async () => {
    const d = tempDataset({ 'bad.json': '[\n{"a": 1},\n{"a": tru}\n]' });
    await expectFormatError(collect(join(d, 'bad.json')), {
      file: 'bad.json',
      line: 3,
      field: '(json)',
      message: /malformed JSON in array element 1/,
    });
  });

  it('says when the file is truncated', async () => {
    const d = tempDataset({ 't.json': '[{"a": 1}, {"b": "cut' });
    await expectFormatError(collect(join(d, 't.json')), {
      file: 't.json',
      line: 1,
      field: '(json)',
      message: /element 1 is not closed/,
    });
    const d2 = tempDataset({ 'u.json': '[{"a": 1}' });
    await expectFormatError(collect(join(d2, 'u.json')), {
      file: 'u.json',
      line: 1,
      field: '(json)',
      message: /not closed with "]"/,
    });
  });

  it('rejects a missing comma and text after the array', async () => {
    const d = tempDataset({ 'c.json': '[{"a": 1}\n{"b": 2}]', 'd.json': '[{"a": 1}]\nxyz' });
    await expectFormatError(collect(join(d, 'c.json')), {
      file: 'c.json',
      line: 2,
      field: '(json)',
      message: /expected ","/,
    });
    await expectFormatError(collect(join(d, 'd.json')), {
      file: 'd.json',
      line: 2,
      field: '(json)',
      message: /after the closing/,
    });
  });
});

describe('streamJsonArray on bytes that are not UTF-8 or elements too long', () => {
  const good = Buffer.from('[\n{"u":"ünïcode ✓ 日本"},\n{"b":1}\n]');
  const bad = Buffer.concat([
    Buffer.from('[\n{"a":1},\n{"u":"x'),
    Buffer.from([0xc3]),
    Buffer.from('"}\n]'),
  ]);
  const cut = Buffer.concat([Buffer.from('[{"a":"'), Buffer.from([0xe6, 0x97])]); // a cut character
  const dir = tempDataset({
    'good.json': good,
    'bad.json': bad,
    'cut.json': cut,
    'long.json': '[{"a":"' + 'x'.repeat(100) + '"}]',
  });

  it.each([1, 2, 3, 1 << 20])('decodes characters split across %i-byte chunks', async (chunk) => {
    const got = await collect(join(dir, 'good.json'), chunk);
    expect(got.map((e) => e.value)).toEqual([{ u: 'ünïcode ✓ 日本' }, { b: 1 }]);
  });

  it.each([1, 4, 1 << 20])('refuses invalid UTF-8 with file and line (chunk %i)', async (chunk) => {
    await expect(collect(join(dir, 'bad.json'), chunk)).rejects.toThrow(
      /bad\.json:\d: field "\(json\)": not valid UTF-8/,
    );
    await expect(collect(join(dir, 'cut.json'), chunk)).rejects.toThrow(
      /cut\.json:1: field "\(json\)": not valid UTF-8/,
    );
  });

  it('names the path of a file it cannot read', async () => {
    await expect(collect(dir)).rejects.toThrow(
      `${dir}: field "(file)": cannot read the file (EISDIR`,
    );
  });

  it('refuses an element longer than maxElementChars, naming its line', async () => {
    const read = async () => {
      for await (const _ of streamJsonArray(join(dir, 'long.json'), {
        chunkBytes: 16,
        maxElementChars: 50,
      }))
        void _;
    };
    await expect(read()).rejects.toThrow(
      /long\.json:1: field "\(json\)": array element 0 is longer than 50 characters/,
    );
  });
});
