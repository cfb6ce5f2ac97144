import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readLineBatches } from '../../src/data/index.js';
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
