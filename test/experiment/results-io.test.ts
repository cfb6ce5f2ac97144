import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultRow } from '../../src/data/types.js';
import {
  formatResultsTable,
  mergeRow,
  readResults,
  resultsToCsv,
  writeResults,
} from '../../src/experiment/index.js';
import { withTempDir } from '../temp-dir.js';

const row = (method: ResultRow['method'], q: number, mrr: number): ResultRow => ({
  dataset: 'd',
  method,
  queryLayers: q,
  passageLayers: 4,
  metrics: { 'mrr@10': mrr, 'recall@100': 0.5 },
  latencyMs: { batch1: 2, batch32: 10 },
  speedup: 1.5,
  recovery: method === 'kale-kl' ? 0.25 : null,
  trainSteps: 10,
  computeSeconds: 1.25,
});

describe('results files', () => {
  it('merges rows by dataset, method and depth, keeping first-written order', () => {
    const rows = mergeRow(
      mergeRow([row('full', 4, 0.3)], row('pruned', 2, 0.1)),
      row('full', 4, 0.4),
    );
    expect(rows.map((r) => [r.method, r.metrics['mrr@10']])).toEqual([
      ['full', 0.4],
      ['pruned', 0.1],
    ]);
  });

  it('writes CSV with metrics as columns and empty cells for null', () => {
    const csv = resultsToCsv([row('full', 4, 0.3), row('kale-kl', 2, 0.2)])
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'dataset,method,queryLayers,passageLayers,mrr@10,recall@100,latencyMsBatch1,latencyMsBatch32,speedup,speedupInt8,latencyMsTfjsBatch1,latencyMsInt8Batch1,recovery,trainSteps,computeSeconds',
    );
    expect(csv[1]).toBe('d,full,4,4,0.300000,0.500000,2,10,1.50000,,,,,10,1.25000');
    expect(csv[2]).toContain(',0.250000,');
  });

  it('round-trips results.json and refuses a corrupt one with the path', async () => {
    await withTempDir('results', async (dir) => {
      const file = { backend: 'wasm', createdAt: 'now', machine: {}, rows: [row('full', 4, 0.3)] };
      await writeResults(join(dir, 'results.json'), join(dir, 'results.csv'), file);
      expect(await readResults(join(dir, 'results.json'))).toEqual(file);
      expect(await readFile(join(dir, 'results.csv'), 'utf8')).toContain('d,full,4,4');
      expect(await readResults(join(dir, 'missing.json'))).toBeUndefined();
      await writeFile(join(dir, 'bad.json'), '{"rows": [');
      await expect(readResults(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not valid JSON/);
    });
  });

  it('prints an aligned text table', () => {
    const text = formatResultsTable([row('full', 4, 0.3), row('pruned', 2, 0.125)]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^dataset\s+method\s+q\/p layers\s+mrr@10/);
    expect(lines[2]).toMatch(/^d\s+full\s+4\/4\s+0\.300/);
    expect(lines[3]).toMatch(/pruned\s+2\/4\s+0\.125/);
  });
});

describe('resultsToCsv', () => {
  it('quotes a cell holding a comma or quote, and keeps its header without rows', () => {
    const odd = { ...row('full', 4, 0.3), dataset: 'a,"b"' };
    expect(resultsToCsv([odd]).split('\n')[1]).toBe(
      '"a,""b""",full,4,4,0.300000,0.500000,2,10,1.50000,,,,,10,1.25000',
    );
    expect(resultsToCsv([])).toBe(
      'dataset,method,queryLayers,passageLayers,latencyMsBatch1,latencyMsBatch32,speedup,speedupInt8,latencyMsTfjsBatch1,latencyMsInt8Batch1,recovery,trainSteps,computeSeconds\n',
    );
  });

  it('leaves a metric a row lacks empty (bm25 rows without latency too)', () => {
    const bm25 = {
      ...row('bm25', 0, 0.2),
      metrics: { 'mrr@10': 0.2 },
      latencyMs: null,
      speedup: null,
    };
    const lines = resultsToCsv([bm25, row('full', 4, 0.3)])
      .trim()
      .split('\n');
    expect(lines[1]).toBe('d,bm25,0,4,0.200000,,,,,,,,,10,1.25000');
  });
});
