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
  comparison: null,
});

/** `r` compared with `against` at depth `k`: delta, p over 180 queries. */
const compared = (
  r: ResultRow,
  against: ResultRow['method'],
  k: number,
  delta: number,
  p: number,
) => ({
  ...r,
  comparison: {
    against,
    againstQueryLayers: k,
    metric: 'mrr@10',
    delta,
    pValue: p,
    test: 'randomization' as const,
    queries: 180,
  },
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
      'dataset,method,queryLayers,passageLayers,mrr@10,recall@100,latencyMsBatch1,latencyMsBatch32,speedup,speedupInt8,latencyMsTfjsBatch1,latencyMsInt8Batch1,recovery,trainSteps,computeSeconds,' +
        'comparisonAgainst,comparisonAgainstQueryLayers,comparisonMetric,comparisonDelta,comparisonPValue,comparisonTest,comparisonQueries',
    );
    expect(csv[1]).toBe('d,full,4,4,0.300000,0.500000,2,10,1.50000,,,,,10,1.25000,,,,,,,');
    expect(csv[2]).toContain(',0.250000,');
  });

  it('flattens a comparison into its columns', () => {
    const kale = compared(row('kale-kl', 2, 0.2), 'pruned', 2, 0.0312345678, 0.00419958);
    const line = resultsToCsv([kale]).trim().split('\n')[1];
    expect(line).toMatch(/,pruned,2,mrr@10,0\.0312346,0\.00419958,randomization,180$/);
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

  it('marks significant comparisons with * and says what the marker means', () => {
    const text = formatResultsTable([
      row('full', 4, 0.3),
      compared(row('pruned', 2, 0.125), 'full', 4, -0.175, 0.0001),
      compared(row('kale-kl', 2, 0.14), 'pruned', 2, 0.015, 0.27),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/vs\s+Δ\s+p\s+sig$/);
    expect(lines[2]).toMatch(/\s-\s+-\s+-\s+-$/);
    expect(lines[3]).toMatch(/\sfull\s+-0\.175\s+<0\.001\s+\*$/);
    expect(lines[4]).toMatch(/\spruned q2\s+0\.015\s+0\.27\s*$/);
    expect(lines[5]).toBe(
      'sig: * = p < 0.05 (paired randomization test on the main metric against "vs")',
    );
  });
});

describe('resultsToCsv', () => {
  it('quotes a cell holding a comma or quote, and keeps its header without rows', () => {
    const odd = { ...row('full', 4, 0.3), dataset: 'a,"b"' };
    expect(resultsToCsv([odd]).split('\n')[1]).toBe(
      '"a,""b""",full,4,4,0.300000,0.500000,2,10,1.50000,,,,,10,1.25000,,,,,,,',
    );
    expect(resultsToCsv([])).toBe(
      'dataset,method,queryLayers,passageLayers,latencyMsBatch1,latencyMsBatch32,speedup,speedupInt8,latencyMsTfjsBatch1,latencyMsInt8Batch1,recovery,trainSteps,computeSeconds,' +
        'comparisonAgainst,comparisonAgainstQueryLayers,comparisonMetric,comparisonDelta,comparisonPValue,comparisonTest,comparisonQueries\n',
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
    expect(lines[1]).toBe('d,bm25,0,4,0.200000,,,,,,,,,10,1.25000,,,,,,,');
  });
});
