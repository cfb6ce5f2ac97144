/**
 * The cost of settling before every atomic write (src/util/files.ts: a readdir of the
 * target's folder to find dead writers' temporaries) against a bare write-fsync-rename,
 * in folders already holding `--files` entries (an index folder holds two per shard).
 *
 *   npx tsx bench/util-atomic-write.ts [--files 0,1000,10000] [--writes 200] [--bytes 4096]
 * Prints one JSON object: milliseconds per write, median of the writes, per folder size.
 */
import { mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/util/index.js';
import { argValue, numberArg } from './lib/args.js';

const sizes = (argValue('files') ?? '0,1000,10000').split(',').map(Number);
const writes = numberArg('writes', 200);
const data = new Uint8Array(numberArg('bytes', 4096)).fill(7);

/** The peer: the same write without settling (what writeFileAtomic did before). */
async function bareAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.bare.tmp`;
  await writeFile(tmp, bytes);
  const handle = await open(tmp, 'r');
  await handle.sync();
  await handle.close();
  await rename(tmp, path);
}

async function medianMs(fn: (i: number) => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < writes; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const rows = [];
for (const files of sizes) {
  const dir = await mkdtemp(join(tmpdir(), 'kalelab-bench-atomic-'));
  try {
    for (let i = 0; i < files; i++) await writeFile(join(dir, `shard-${i}.f32`), '');
    // the same 8 targets over and over, as results.json or a manifest is rewritten
    const settled = await medianMs((i) => writeFileAtomic(join(dir, `t${i % 8}.bin`), data));
    const bare = await medianMs((i) => bareAtomic(join(dir, `b${i % 8}.bin`), data));
    rows.push({ files, writeFileAtomicMs: settled, bareRenameMs: bare });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify({ bench: 'util-atomic-write', writes, bytes: data.length, rows }));
