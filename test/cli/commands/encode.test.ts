import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK, writeEmbeddingsJsonl, type InputRecord } from '../../../src/cli/commands/encode.js';
import { useTempDir } from '../../temp-dir.js';

const H = 2;
/** Record i embeds as [i, -i / 4] (exact in float32). */
const vectorsOf = (chunk: readonly InputRecord[], start: number): Float32Array =>
  Float32Array.from(chunk.flatMap((_, i) => [start + i, -(start + i) / 4]));
const records = (n: number): InputRecord[] =>
  Array.from({ length: n }, (_, i) => ({ id: i % 2 === 0 ? `t${i}` : i, text: `text ${i}` }));

describe('writeEmbeddingsJsonl', () => {
  const root = useTempDir('encode-writer');

  it('streams each chunk to the temporary file before the next is embedded', async () => {
    const dir = join(root(), 'stream');
    await mkdir(dir);
    const out = join(dir, 'out.jsonl');
    const input = records(2 * CHUNK + 5);
    const seenBytes: number[] = [];
    await writeEmbeddingsJsonl(out, input, H, async (chunk, start) => {
      // What is on disk so far: the temporary beside out (out itself appears at the end).
      const files = await readdir(dir);
      expect(files).not.toContain('out.jsonl');
      const tmp = files.find((f) => f.includes('out.jsonl'));
      seenBytes.push(tmp === undefined ? 0 : (await readFile(join(dir, tmp))).length);
      return vectorsOf(chunk, start);
    });
    // Before chunk 2 and 3 the earlier chunks' lines were already written, not held.
    expect(seenBytes[0]).toBe(0);
    expect(seenBytes[1]).toBeGreaterThan(0);
    expect(seenBytes[2]).toBeGreaterThan(seenBytes[1]!);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(input.length);
    expect(lines[0]).toBe('{"id":"t0","embedding":[0,0]}');
    expect(lines[CHUNK + 1]).toBe(
      `{"id":${CHUNK + 1},"embedding":[${CHUNK + 1},${-(CHUNK + 1) / 4}]}`,
    );
    expect(await readdir(dir)).toEqual(['out.jsonl']); // no temporary left
  });

  it('leaves an existing output as it was when embedding fails mid-way', async () => {
    const dir = join(root(), 'fail');
    await mkdir(dir);
    const out = join(dir, 'out.jsonl');
    await writeFile(out, 'previous\n');
    const failure = new Error('engine failed on chunk 2');
    await expect(
      writeEmbeddingsJsonl(out, records(CHUNK + 1), H, async (chunk, start) => {
        if (start > 0) throw failure;
        return vectorsOf(chunk, start);
      }),
    ).rejects.toBe(failure); // the fill's own error, unchanged
    expect(await readFile(out, 'utf8')).toBe('previous\n');
    expect(await readdir(dir)).toEqual(['out.jsonl']);
  });

  it('refuses a non-finite value, naming the id', async () => {
    const out = join(root(), 'nan.jsonl');
    await expect(
      writeEmbeddingsJsonl(out, [{ id: 'x', text: 'x' }], H, async () =>
        Float32Array.from([1, NaN]),
      ),
    ).rejects.toThrow('the embedding of id "x" has a non-finite value (NaN)');
  });

  it('names --out, not a temporary, when the file system refuses', async () => {
    const file = join(root(), 'plain');
    await writeFile(file, 'x');
    const out = join(file, 'out.jsonl');
    const error = await writeEmbeddingsJsonl(out, records(1), H, async (c, s) =>
      vectorsOf(c, s),
    ).then(
      () => new Error('accepted'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(
      new RegExp(`^--out ${out}: cannot write the output \\((ENOTDIR|EEXIST)\\)$`),
    );
  });
});
