/**
 * Fault-injection child: encodes a 50-document corpus into the passage index folder
 * argv[2] (src/retrieval/index-store.ts: shards of 7, batches of 3) with a deterministic
 * stand-in encoder (8 numbers per text from its hash; no model, so the child starts fast),
 * sleeping argv[4] ms per batch, then opens the index and writes argv[3]/result.json: the
 * ids and a hash of the vectors.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeCorpus, openIndex } from '../../../src/retrieval/index.js';

const [indexDir, outDir, sleepArg] = process.argv.slice(2);
if (indexDir === undefined || outDir === undefined)
  throw new Error('usage: encode-corpus.ts INDEX_DIR OUT_DIR [SLEEP_MS]');
const sleepMs = Number(sleepArg ?? '0');
const pause = new Int32Array(new SharedArrayBuffer(4));

export const DOCS = 50;
const ids = Array.from({ length: DOCS }, (_, i) => `doc-${i}`);
const texts = ids.map((id) => `text of ${id}`);
const DIM = 8;

async function embed(batch: readonly string[]): Promise<Float32Array> {
  if (sleepMs > 0) Atomics.wait(pause, 0, 0, sleepMs);
  const out = new Float32Array(batch.length * DIM); // [B, DIM]
  batch.forEach((t, b) => {
    const h = createHash('sha256').update(t).digest();
    for (let d = 0; d < DIM; d++) out[b * DIM + d] = (h[d]! - 128) / 64;
  });
  return out;
}

process.stdout.write('ready\n');
await encodeCorpus(indexDir, { ids, texts }, embed, 'hash-8', { shardSize: 7, batchSize: 3 });
const index = await openIndex(indexDir, 'hash-8');
const v = index.vectors;
await mkdir(outDir, { recursive: true });
// a plain write: the child's own report, not under test (a kill may cut it; the rerun rewrites it)
await writeFile(
  join(outDir, 'result.json'),
  JSON.stringify({
    ids: index.ids,
    dim: index.dim,
    vectors: createHash('sha256')
      .update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
      .digest('hex'),
  }),
);
process.stdout.write('done\n');
