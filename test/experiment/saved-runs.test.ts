import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { ResultRow, RetrievalDataset } from '../../src/data/types.js';
import { halfDepthEffects, readRunFolder, savedGridRuns } from '../../src/experiment/index.js';
import { withTempDir } from '../temp-dir.js';

describe('readRunFolder', () => {
  it('reads the qrels file and every TREC, gzipped or JSON run beside it', async () => {
    await withTempDir('runs', async (dir) => {
      await writeFile(join(dir, 'test.qrels'), 'q1 0 d1 1\nq2 0 d2 2\n');
      await writeFile(join(dir, 'bm25.trec'), 'q1 Q0 d1 1 2.5 x\nq2 Q0 d3 1 1 x\n');
      await writeFile(join(dir, 'dense.run.gz'), gzipSync('q1 Q0 d2 1 0.5 y\n'));
      await writeFile(join(dir, 'fused.json'), JSON.stringify({ q2: { d2: 1 } }));
      await writeFile(join(dir, 'notes.md'), 'not a run');
      const folder = await readRunFolder(dir);
      expect(folder.qrelsFile).toBe(join(dir, 'test.qrels'));
      expect(folder.qrels).toEqual({ q1: { d1: 1 }, q2: { d2: 2 } });
      expect(Object.keys(folder.runs)).toEqual(['bm25', 'dense', 'fused']);
      expect(folder.runs['bm25']).toEqual({ q1: { d1: 2.5 }, q2: { d3: 1 } });
      expect(folder.runs['dense']).toEqual({ q1: { d2: 0.5 } });
      expect(folder.runs['fused']).toEqual({ q2: { d2: 1 } });
    });
  });

  it('says what is missing: no qrels, two qrels, no runs', async () => {
    await withTempDir('runs', async (dir) => {
      await writeFile(join(dir, 'a.trec'), 'q1 Q0 d1 1 1 x\n');
      await expect(readRunFolder(dir)).rejects.toThrow(/exactly one qrels file .*found none/);
      await writeFile(join(dir, 'qrels.txt'), 'q1 0 d1 1\n');
      await writeFile(join(dir, 'qrels-dev.txt'), 'q1 0 d1 1\n');
      await expect(readRunFolder(dir)).rejects.toThrow(/found qrels-dev\.txt, qrels\.txt/);
    });
    await withTempDir('runs', async (dir) => {
      await writeFile(join(dir, 'qrels.txt'), 'q1 0 d1 1\n');
      await expect(readRunFolder(dir)).rejects.toThrow(/no run files/);
    });
  });
});

describe('savedGridRuns', () => {
  it('reads OUT/runs/<dataset>/*.trec by row id, and says how to make them when there are none', async () => {
    await withTempDir('runs', async (out) => {
      await expect(savedGridRuns(out, 'senses')).rejects.toThrow(
        /no saved runs .*run the grid first/,
      );
      await mkdir(join(out, 'runs', 'senses'), { recursive: true });
      await writeFile(join(out, 'runs', 'senses', 'full.trec'), 'q1 Q0 d1 1 1 kalelab\n');
      await writeFile(join(out, 'runs', 'senses', 'kale-kl-q1.trec'), 'q1 Q0 d2 1 1 kalelab\n');
      const runs = await savedGridRuns(out, 'senses');
      expect(Object.keys(runs)).toEqual(['full', 'kale-kl-q1']);
      expect(runs['kale-kl-q1']).toEqual({ q1: { d2: 1 } });
    });
  });
});

describe('halfDepthEffects', () => {
  it('compares each asym+kale row with half-depth from their saved runs; none without half-depth', async () => {
    const ids = ['q1', 'q2', 'q3', 'q4'];
    const dataset: RetrievalDataset = {
      name: 'tiny',
      corpus: Object.fromEntries(
        ['d1', 'd2', 'd3', 'd4', 'd9'].map((d) => [d, { title: '', text: d }]),
      ),
      splits: {
        test: {
          queries: Object.fromEntries(ids.map((q) => [q, { text: q }])),
          qrels: Object.fromEntries(ids.map((q, i) => [q, { [`d${i + 1}`]: 1 }])),
        },
      },
      mainMetric: 'mrr@10',
    };
    const row = (method: ResultRow['method'], queryLayers: number) =>
      ({ dataset: 'tiny', method, queryLayers, comparison: null }) as unknown as ResultRow;
    await withTempDir('runs', async (out) => {
      const dir = join(out, 'runs', 'tiny');
      await mkdir(dir, { recursive: true });
      // half-depth finds every relevant document first; asym+kale at rank 2 for q1, q2 only.
      await writeFile(
        join(dir, 'half-depth.trec'),
        ids.map((q, i) => `${q} Q0 d${i + 1} 1 1 x\n`).join(''),
      );
      await writeFile(
        join(dir, 'asym+kale-q1.trec'),
        'q1 Q0 d9 1 2 x\nq1 Q0 d1 2 1 x\nq2 Q0 d9 1 2 x\nq2 Q0 d2 2 1 x\nq3 Q0 d3 1 1 x\nq4 Q0 d4 1 1 x\n',
      );
      const rows = [row('full', 3), row('half-depth', 1), row('asym', 2), row('asym+kale', 1)];
      const effects = await halfDepthEffects(dataset, rows, out, undefined);
      expect(effects).toHaveLength(1);
      expect(effects[0]).toMatchObject({
        dataset: 'tiny',
        row: 'asym+kale q1',
        comparison: { against: 'half-depth', againstQueryLayers: 1, metric: 'mrr@10', queries: 4 },
      });
      expect(effects[0]!.comparison.delta).toBeCloseTo(-0.25, 12); // (0.5 + 0.5 + 1 + 1) / 4 − 1
      // Differences −0.5, −0.5, 0, 0: |mean| reached by 2 of the 4 sign patterns that matter.
      expect(Math.abs(effects[0]!.comparison.pValue - 0.5)).toBeLessThan(0.02);
      expect(await halfDepthEffects(dataset, rows.slice(2), out, undefined)).toEqual([]);
    });
  });
});
