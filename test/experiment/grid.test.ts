import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import type { ResultRow } from '../../src/data/types.js';
import { gridOptions, runGrid } from '../../src/experiment/index.js';
import { silentProgress } from '../../src/util/index.js';
import { syntheticDataset } from './synthetic-dataset.js';

const tiny = gridOptions('quick', {
  model: {
    hiddenSize: 16,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 32,
    maxPositionEmbeddings: 32,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    initializerRange: 0.02,
  },
  vocabSize: 200,
  queryDepths: [1],
  alignLosses: ['kl'],
  train: { batchSize: 8, steps: 3, qMaxLen: 16, pMaxLen: 16, lr: 1e-3, logEvery: 1 },
  kale: { steps: 2, batchSize: 8 },
  latencyRuns: 2,
});

describe('runGrid', () => {
  it('produces every row of the grid, then skips them all on a rerun', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    const out = await mkdtemp(join(tmpdir(), 'kalelab-grid-'));
    try {
      const dataset = syntheticDataset();
      const before = tf.memory().numTensors;
      const written: ResultRow[] = [];
      const rows = await runGrid(
        dataset,
        tiny,
        { out, done: [] },
        {
          progress: silentProgress,
          onRow: (r) => void written.push(r),
        },
      );
      expect(rows.map((r) => `${r.method}:${r.queryLayers}`)).toEqual([
        'bm25:0',
        'full:2',
        'pruned:1',
        'kale-kl:1',
        'half-depth:1',
        'asym:1',
      ]);
      expect(written).toEqual(rows);
      const byMethod = Object.fromEntries(rows.map((r) => [r.method, r]));
      // BM25 finds the document that shares both topic words.
      expect(byMethod['bm25']!.metrics['mrr@10']).toBeGreaterThan(0.9);
      for (const r of rows) {
        expect(Object.keys(r.metrics)[0]).toBe('mrr@10');
        for (const v of Object.values(r.metrics)) expect(v).toBeGreaterThanOrEqual(0);
      }
      expect(byMethod['full']!.speedup).toBe(1);
      expect(byMethod['pruned']!.keptLayers).toEqual([0]);
      expect(byMethod['kale-kl']!.trainSteps).toBe(2);
      expect(byMethod['full']!.trainSteps).toBe(3);
      expect(
        byMethod['kale-kl']!.recovery === null || Number.isFinite(byMethod['kale-kl']!.recovery),
      ).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      // Saved models and one index per passage encoder; no leftover resume checkpoints.
      const root = join(out, 'synthetic');
      expect((await readdir(join(root, 'models'))).sort()).toEqual(['asym-q1', 'full', 'half-1']);
      expect((await readdir(join(root, 'index'))).sort()).toEqual(['asym-q1', 'full', 'half-1']);
      expect(await readdir(join(root, 'checkpoints'))).toEqual([]);

      const again = await runGrid(dataset, tiny, { out, done: rows }, { progress: silentProgress });
      expect(again).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
