import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWordVectorsHead, loadWordVectors } from '../../src/train/index.js';
import { useTempDir } from '../temp-dir.js';

describe('checkWordVectorsHead', () => {
  const root = useTempDir('word-vectors-head');
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(root(), name);
    await writeFile(path, text);
    return path;
  };

  it('accepts what the reader reads: plain text, a word2vec header, blank lines first, JSON', async () => {
    const good = [
      await file('plain.txt', 'bank 0.1 0.2 0.3\nriver 1 2 3\n'),
      await file('header.txt', '2 3\nbank 0.1 0.2 0.3\nriver 1 2 3\n'),
      await file('blank.txt', '\n\nbank 0.1 -2e-3 3\n'),
      await file('vectors.json', '{"dimensions": 2, "vectors": {"bank": [1, 2, 2.2, 0]}}'),
    ];
    for (const path of good) {
      await expect(checkWordVectorsHead(path)).resolves.toBeUndefined();
      const read = await loadWordVectors(path, ['bank']);
      expect(read.vectors.get('bank')?.length).toBeGreaterThan(0);
    }
  });

  it('rejects a bad first vector line, naming the file and the line', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['nan.txt', 'bank 0.1 x 0.3\n', /nan\.txt:1: value 2 of "bank" is not a number/],
      ['one-field.txt', 'bank\nriver 1 2\n', /one-field\.txt:1: expected "word v1 v2/],
      ['dims.txt', '2 4\nbank 1 2 3\n', /dims\.txt:2: 3 values, but the header on line 1 says 4/],
      ['header-only.txt', '2 3\n', /header-only\.txt: no vector line after the header on line 1/],
      ['empty.txt', '', /empty\.txt: no word vectors in its first 8 lines/],
      ['blanks.txt', '\n \n\n', /blanks\.txt: no word vectors/],
      ['not-object.json', '[1, 2]\n', /not-object\.json:1: not a word-vector JSON object/],
    ];
    for (const [name, text, message] of cases) {
      const path = await file(name, text);
      await expect(checkWordVectorsHead(path), name).rejects.toThrow(message);
    }
    // The reader refuses the same first lines (the check mirrors it, it does not invent rules).
    await expect(loadWordVectors(join(root(), 'nan.txt'), ['bank'])).rejects.toThrow(/nan\.txt:1/);
    await expect(loadWordVectors(join(root(), 'dims.txt'), ['bank'])).resolves.toBeDefined();
  });

  it('names a missing path and a folder', async () => {
    const missing = join(root(), 'missing.txt');
    await expect(checkWordVectorsHead(missing)).rejects.toThrow(
      `${missing}: cannot read the file (ENOENT)`,
    );
    const folder = join(root(), 'folder.txt');
    await mkdir(folder);
    await expect(checkWordVectorsHead(folder)).rejects.toThrow(`${folder}: not a file`);
  });

  it('reads only the head of a file with one huge line (a value cut by the limit is not judged)', async () => {
    // 12 MB on one line, past the 4 MiB head; the word's length puts the cut after a lone
    // "-" (2 + 5k bytes never ends on a whole value at 4 MiB).
    const good = await file('huge.txt', 'on' + ' -0.5'.repeat(2_400_000) + '\n');
    const bad = await file('huge-bad.txt', 'bank -0.5 oops' + ' -0.5'.repeat(2_400_000) + '\n');
    const started = performance.now();
    await expect(checkWordVectorsHead(good)).resolves.toBeUndefined();
    await expect(checkWordVectorsHead(bad)).rejects.toThrow(/huge-bad\.txt:1: value 2 of "bank"/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
