/**
 * Streams a synthetic MS MARCO-format collection (`pid<TAB>passage` lines, passages of
 * 30-70 words drawn from a seeded vocabulary, ~370 bytes a line like the real one) through
 * the collection reader (`forEachMsmarcoPassage`) and reports throughput and memory. The
 * file is written to os.tmpdir() and deleted after. Memory is sampled every 20 ms while
 * streaming: it should not grow with the file size (run with two sizes to see).
 *
 *   npx tsx bench/data-msmarco-stream.ts [--mb 1024]
 *
 * Prints one JSON object: sizeMB, passages, seconds, mbPerSecond, rss before / peak while
 * streaming, peak heap while streaming.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachMsmarcoPassage } from '../src/data/index.js';
import { Random } from '../src/util/index.js';
import { numberArg } from './lib/args.js';

function argMb(): number {
  const mb = numberArg('mb', 1024);
  if (!(mb > 0)) throw new Error(`--mb must be a positive number, got ${mb}`);
  return mb;
}

/** Writes about `bytes` bytes of collection lines; returns the passage count. */
async function writeCollection(path: string, bytes: number): Promise<number> {
  const rng = new Random(7);
  const vocab = Array.from({ length: 5000 }, () =>
    Array.from({ length: 2 + rng.int(9) }, () => String.fromCharCode(97 + rng.int(26))).join(''),
  );
  // 2,000 distinct passages, cycled with fresh ids: generation stays cheaper than reading.
  const passages = Array.from(
    { length: 2000 },
    () =>
      Array.from({ length: 30 + rng.int(41) }, () => vocab[rng.int(vocab.length)]).join(' ') + '.',
  );
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  let written = 0;
  let pid = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let k = 0; k < 4096 && written < bytes; k++, pid++) {
      const line = `${pid}\t${passages[pid % passages.length]}\n`;
      lines.push(line);
      written += Buffer.byteLength(line);
    }
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return pid;
}

async function main(): Promise<void> {
  const mb = argMb();
  const path = join(tmpdir(), `kalelab-msmarco-bench-${process.pid}.tsv`);
  try {
    const written = await writeCollection(path, mb * 1024 * 1024);
    const size = (await stat(path)).size;
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let peakHeap = process.memoryUsage().heapUsed;
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    let passages = 0;
    let chars = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await forEachMsmarcoPassage(path, (_id, text) => {
      passages++;
      chars += text.length;
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(timer);
    if (passages !== written) throw new Error(`read ${passages} passages, wrote ${written}`);
    const MB = 1024 * 1024;
    process.stdout.write(
      JSON.stringify({
        bench: 'data-msmarco-stream',
        sizeMB: +(size / MB).toFixed(1),
        passages,
        meanPassageChars: +(chars / passages).toFixed(1),
        seconds: +seconds.toFixed(2),
        mbPerSecond: +(size / MB / seconds).toFixed(1),
        cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
        rssBeforeMB: +(rssBefore / MB).toFixed(1),
        peakRssMB: +(peakRss / MB).toFixed(1),
        peakHeapMB: +(peakHeap / MB).toFixed(1),
        node: process.version,
      }) + '\n',
    );
  } finally {
    await rm(path, { force: true });
  }
}

await main();
