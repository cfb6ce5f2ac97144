/**
 * Fault-injection child: the writing pattern of runExperiment (src/experiment/walkthrough.ts)
 * without the models. For each of 6 result rows not yet in argv[2]/results.json it merges
 * the row and rewrites results.json and results.csv (results-io.ts writeResults), sleeping
 * argv[3] ms before each row; then it writes report.html (src/report writeHtmlReport,
 * ~300 KB so a kill can land mid-write). A rerun continues after the rows it finds.
 */
import { join } from 'node:path';
import type { ResultRow, ResultsFile } from '../../../src/data/index.js';
import { mergeRow, readResults, writeResults } from '../../../src/experiment/results-io.js';
import { writeHtmlReport } from '../../../src/report/index.js';

const [outDir, sleepArg] = process.argv.slice(2);
if (outDir === undefined) throw new Error('usage: write-report.ts OUT_DIR [SLEEP_MS]');
const sleepMs = Number(sleepArg ?? '0');
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Row i of the fake grid, the same in every run. */
export function fakeRow(i: number): ResultRow {
  return {
    dataset: 'fault',
    method: i === 0 ? 'full' : 'pruned',
    queryLayers: 6 - i,
    passageLayers: 6,
    metrics: { 'mrr@10': 0.5 - i / 100, 'ndcg@10': 0.6 - i / 50 },
    latencyMs: { batch1: 10 - i, batch32: 100 - i },
    speedup: 1 + i / 10,
    recovery: null,
    trainSteps: 100 * i,
    computeSeconds: i,
    comparison: null,
  };
}
export const ROWS = 6;

const jsonPath = join(outDir, 'results.json');
process.stdout.write('ready\n');
let rows = (await readResults(jsonPath))?.rows ?? [];
for (let i = rows.length; i < ROWS; i++) {
  if (sleepMs > 0) Atomics.wait(pause, 0, 0, sleepMs);
  rows = mergeRow(rows, fakeRow(i));
  const file: ResultsFile = {
    backend: 'none',
    createdAt: '2026-01-01T00:00:00Z',
    machine: {},
    rows,
  };
  await writeResults(jsonPath, join(outDir, 'results.csv'), file);
}
await writeHtmlReport(join(outDir, 'report.html'), {
  title: 'fault injection',
  sections: [
    {
      heading: 'rows',
      table: rows.map((r) => ({
        method: r.method,
        layers: r.queryLayers,
        mrr: r.metrics['mrr@10']!,
      })),
    },
    { heading: 'padding', text: `${rows.length} rows `.repeat(30_000) },
  ],
});
process.stdout.write('done\n');
