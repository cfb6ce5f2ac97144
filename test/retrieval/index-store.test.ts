import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeCorpus,
  IndexMismatchError,
  openIndex,
  readManifest,
  removeIndex,
} from '../../src/retrieval/index-store.js';

const root = await mkdtemp(join(tmpdir(), 'kalelab-index-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const ids = Array.from({ length: 23 }, (_, i) => `doc${i}`);
const texts = ids.map((id, i) => `text of ${id} ${'x'.repeat(i)}`);
const DIM = 3;

/** A deterministic fake encoder that records which texts it saw. */
function fakeEncoder(failAfterCalls = Infinity): {
  embed: (t: readonly string[]) => Promise<Float32Array>;
  seen: string[];
} {
  const seen: string[] = [];
  let calls = 0;
  return {
    seen,
    embed: async (batch) => {
      if (calls++ >= failAfterCalls) throw new Error('simulated crash');
      seen.push(...batch);
      return Float32Array.from(batch.flatMap((t) => [t.length, t.charCodeAt(t.length - 1), 0.5]));
    },
  };
}

describe('encodeCorpus / openIndex', () => {
  it('resumes after a crash without re-encoding finished shards, equal to an uninterrupted run', async () => {
    const whole = join(root, 'whole');
    const full = await encodeCorpus(whole, { ids, texts }, fakeEncoder().embed, 'enc-A', {
      shardSize: 5,
      batchSize: 2,
    });
    expect(full.encodedShards).toBe(5);
    expect(full.index.dim).toBe(DIM);
    expect(full.index.ids).toEqual(ids);
    // Shard files are little-endian float32 rows, [5, DIM] (read here with Buffer.readFloatLE).
    const shard = await readFile(join(whole, 'shard-00000.f32'));
    expect(shard.length).toBe(5 * DIM * 4);
    const row1 = [0, 1, 2].map((d) => shard.readFloatLE((DIM + d) * 4));
    expect(row1).toEqual([texts[1]!.length, texts[1]!.charCodeAt(texts[1]!.length - 1), 0.5]);

    const dir = join(root, 'resumed');
    // Shards of 5 in batches of 2 take 3 embed calls each: crash during the third shard.
    const crashing = fakeEncoder(7);
    await expect(
      encodeCorpus(dir, { ids, texts }, crashing.embed, 'enc-A', { shardSize: 5, batchSize: 2 }),
    ).rejects.toThrow('simulated crash');
    expect((await readManifest(dir)).complete).toBe(false);
    await expect(openIndex(dir, 'enc-A')).rejects.toThrow(/incomplete/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const resumed = fakeEncoder();
    const result = await encodeCorpus(dir, { ids, texts }, resumed.embed, 'enc-A', {
      shardSize: 5,
      batchSize: 2,
    });
    expect(result.reusedShards).toBe(2);
    expect(result.encodedShards).toBe(3);
    expect(resumed.seen).toEqual(texts.slice(10)); // shards 0 and 1 were not recomputed
    expect(result.index.ids).toEqual(full.index.ids);
    expect(Array.from(result.index.vectors)).toEqual(Array.from(full.index.vectors));

    const again = fakeEncoder();
    const noop = await encodeCorpus(dir, { ids, texts }, again.embed, 'enc-A', {
      shardSize: 5,
      batchSize: 2,
    });
    expect(noop.reusedShards).toBe(5);
    expect(again.seen).toEqual([]);
    expect((await openIndex(dir, 'enc-A')).vectors).toEqual(full.index.vectors);
  });

  it('re-encodes a shard whose meta is missing or stale', async () => {
    const dir = join(root, 'stale');
    await encodeCorpus(dir, { ids, texts }, fakeEncoder().embed, 'enc-A', { shardSize: 10 });
    await rm(join(dir, 'shard-00001.json'));
    await writeFile(join(dir, 'shard-00002.f32'), new Uint8Array(4)); // truncated vectors
    const enc = fakeEncoder();
    const r = await encodeCorpus(dir, { ids, texts }, enc.embed, 'enc-A', { shardSize: 10 });
    expect([r.reusedShards, r.encodedShards]).toEqual([1, 2]);
    expect(enc.seen).toEqual(texts.slice(10));
  });

  it('makes re-encoding explicit: another fingerprint or corpus is an error', async () => {
    const dir = join(root, 'fp');
    await encodeCorpus(dir, { ids, texts }, fakeEncoder().embed, 'enc-A');
    await expect(openIndex(dir, 'enc-B')).rejects.toBeInstanceOf(IndexMismatchError);
    await expect(openIndex(dir, 'enc-B')).rejects.toThrow(
      /encoded by "enc-A", not "enc-B".*removeIndex/,
    );
    await expect(encodeCorpus(dir, { ids, texts }, fakeEncoder().embed, 'enc-B')).rejects.toThrow(
      /removeIndex/,
    );
    await expect(
      encodeCorpus(dir, { ids: ids.slice(1), texts: texts.slice(1) }, fakeEncoder().embed, 'enc-A'),
    ).rejects.toThrow(/another corpus/);
    await removeIndex(dir);
    const r = await encodeCorpus(dir, { ids, texts }, fakeEncoder().embed, 'enc-B');
    expect(r.index.fingerprint).toBe('enc-B');
  });

  it('checks what the embed function returns', async () => {
    const bad = async (batch: readonly string[]): Promise<Float32Array> =>
      new Float32Array(batch.length * 2 + 1);
    await expect(encodeCorpus(join(root, 'bad'), { ids, texts }, bad, 'x')).rejects.toThrow(
      /returned 47 values for 23 texts/,
    );
    const nan = async (batch: readonly string[]): Promise<Float32Array> =>
      new Float32Array(batch.length).fill(NaN);
    await expect(encodeCorpus(join(root, 'nan'), { ids, texts }, nan, 'x')).rejects.toThrow(
      /doc "doc0" has a non-finite/,
    );
    await expect(
      encodeCorpus(join(root, 'dup'), { ids: ['a', 'a'], texts: ['x', 'y'] }, nan, 'x'),
    ).rejects.toThrow(/not unique/);
  });
});
