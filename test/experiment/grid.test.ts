import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import type { ResultRow } from '../../src/data/types.js';
import { gridOptions, runGrid } from '../../src/experiment/index.js';
import { silentProgress } from '../../src/util/index.js';
import { disposeDualEncoder, loadDualEncoder } from '../../src/train/index.js';
import { syntheticDataset, TINY_GRID, TOPIC_WORDS } from './synthetic-dataset.js';
import { withTempDir } from '../temp-dir.js';

const tiny = gridOptions('quick', TINY_GRID);

describe('runGrid', () => {
  it('produces every row of the grid, then skips them all on a rerun', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('grid', async (out) => {
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
    });
  });

  it('starts from-scratch models from word vectors when asked, and says how many tokens it covered', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('grid', async (out) => {
      // 16-d vectors for the ten topic words: one-hot-like, far from a random init.
      const words = TOPIC_WORDS;
      const vectorsFile = join(out, 'vectors.txt');
      await writeFile(
        vectorsFile,
        words
          .map((w, i) => [w, ...Array.from({ length: 16 }, (_, d) => (d === i ? 1 : 0))].join(' '))
          .join('\n') + '\n',
      );
      const lines: string[] = [];
      await runGrid(
        syntheticDataset(),
        { ...tiny, asymmetric: false, halfDepth: false, wordVectors: vectorsFile },
        { out, done: [] },
        { progress: silentProgress, log: (line) => lines.push(line) },
      );
      expect(lines).toContain(
        'synthetic: word embeddings from ' +
          vectorsFile +
          ': 10 of ' +
          (await vocabSize(out)) +
          ' tokens',
      );
      const { dual, tokenizer } = await loadDualEncoder(join(out, 'synthetic', 'models', 'full'));
      try {
        const table = dual.query.weights.get('embeddings.word_embeddings.weight')!;
        const H = table.shape[1]!;
        const values = table.dataSync() as Float32Array;
        words.forEach((w, i) => {
          const row = values.subarray(
            tokenizer.vocab.indexOf(w) * H,
            (tokenizer.vocab.indexOf(w) + 1) * H,
          );
          // 3 small training steps later the row still points along its word's axis.
          expect(row[i]! / Math.hypot(...row), w).toBeGreaterThan(0.9);
        });
      } finally {
        disposeDualEncoder(dual);
      }
    });
  });
});

async function vocabSize(out: string): Promise<number> {
  return (await readFile(join(out, 'synthetic', 'vocab.txt'), 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0).length;
}
