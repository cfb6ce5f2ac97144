import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readLineBatches } from '../../src/data/index.js';
import { lineText } from '../../src/data/lines.js';
import { removeTempDatasets, tempDataset } from './helpers.js';

afterAll(removeTempDatasets);

async function collect(path: string, chunkBytes: number): Promise<Array<[number, string]>> {
  const out: Array<[number, string]> = [];
  for await (const batch of readLineBatches(path, { chunkBytes }))
    batch.lines.forEach((line, i) => out.push([batch.firstLine + i, line]));
  return out;
}

describe('readLineBatches', () => {
  const text = '\ufeffhello\r\nwörld ünïcode ✓\n\nlast line without newline';
  const dir = tempDataset({ 'a.txt': text });
  const expected: Array<[number, string]> = [
    [1, 'hello'],
    [2, 'wörld ünïcode ✓'],
    [3, ''],
    [4, 'last line without newline'],
  ];

  it.each([1, 2, 3, 5, 7, 64, 1 << 20])(
    'splits lines the same way with %i-byte chunks',
    async (chunk) => {
      expect(await collect(join(dir, 'a.txt'), chunk)).toEqual(expected);
    },
  );

  it('gives no line for an empty file and one for a lone newline', async () => {
    const d = tempDataset({ 'empty.txt': '', 'nl.txt': '\n' });
    expect(await collect(join(d, 'empty.txt'), 4)).toEqual([]);
    expect(await collect(join(d, 'nl.txt'), 4)).toEqual([[1, '']]);
  });

  it('reports progress only for files at least progressMinBytes long', async () => {
    const d = tempDataset({ 'p.txt': 'a\nb\nc\n' });
    const events: number[] = [];
    const progress = (e: { done: number }) => events.push(e.done);
    for await (const _ of readLineBatches(join(d, 'p.txt'), { progress, chunkBytes: 2 })) void _;
    expect(events).toEqual([]);
    for await (const _ of readLineBatches(join(d, 'p.txt'), {
      progress,
      chunkBytes: 2,
      progressMinBytes: 1,
    }))
      void _;
    expect(events).toEqual([2, 4, 6]);
  });
});

describe('readLineBatches on lines it cannot decode', () => {
  const bytes = Buffer.concat([
    Buffer.from('ok\n'),
    Buffer.from([0x61, 0xff, 0x62]), // "a", a byte never valid in UTF-8, "b"
    Buffer.from('\nü fine\n'),
    Buffer.from('x'.repeat(40)),
    Buffer.from('\nlast'),
  ]);
  const dir = tempDataset({ 'bad.txt': bytes });

  /** [line, text or "bad: problem"] for every line. */
  async function lines(chunkBytes: number, maxLineBytes?: number): Promise<string[]> {
    const out: string[] = [];
    for await (const batch of readLineBatches(join(dir, 'bad.txt'), { chunkBytes, maxLineBytes }))
      batch.lines.forEach((text, i) => {
        const bad = batch.bad?.get(i);
        out.push(`${batch.firstLine + i}:${bad === undefined ? text : `bad ${bad}`}`);
      });
    return out;
  }

  it.each([1, 2, 3, 7, 1 << 20])(
    'marks the non-UTF-8 line, whatever the chunk size (%i)',
    async (chunk) => {
      const got = await lines(chunk);
      expect(got[0]).toBe('1:ok');
      expect(got[1]).toMatch(/^2:bad not valid UTF-8 \(bad byte near offset 1 of the line\)/);
      expect(got.slice(2)).toEqual(['3:ü fine', `4:${'x'.repeat(40)}`, '5:last']);
    },
  );

  it.each([1, 5, 64])(
    'marks lines over maxLineBytes without keeping them (chunk %i)',
    async (chunk) => {
      const got = await lines(chunk, 30);
      expect(got[3]).toBe('4:bad line longer than 30 bytes; not read');
      expect(got[4]).toBe('5:last');
    },
  );

  it('lineText throws a DatasetFormatError naming file, line and "(line)"', async () => {
    const batches = [];
    for await (const batch of readLineBatches(join(dir, 'bad.txt'))) batches.push(batch);
    const first = batches[0]!; // one 1 MiB chunk: every line but the unfinished last one
    expect(lineText('bad.txt', first, 0)).toBe('ok');
    expect(() => lineText('bad.txt', first, 1)).toThrow(
      /^bad\.txt:2: field "\(line\)": not valid UTF-8/,
    );
  });

  it('names the path of a file it cannot read (a folder, a missing file)', async () => {
    const read = async (path: string) => {
      for await (const _ of readLineBatches(path)) void _;
    };
    await expect(read(dir)).rejects.toThrow(`${dir}: field "(file)": cannot read the file (EISDIR`);
    await expect(read(join(dir, 'nope.txt'))).rejects.toThrow(
      /nope\.txt: field "\(file\)": cannot read the file \(ENOENT/,
    );
  });
});
