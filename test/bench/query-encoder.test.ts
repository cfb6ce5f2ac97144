/**
 * The query-encoder and corpus-encoding benchmarks at a tiny shape: one row per path, depth
 * and batch with the fields `kalelab bench --json` promises, FLOP/s consistent with the
 * times, and the ONNX-file harness (the PyTorch-export peer) on a graph of our own. No
 * timing is asserted (timings belong to benchmarks, not tests).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { initBackend } from '../../src/backend/index.js';
import {
  benchCorpusEncoding,
  benchOnnxGraph,
  benchQueryEncoder,
  randomBatch,
} from '../../src/bench/index.js';
import {
  createEncoder,
  disposeEncoder,
  encoderFlops,
  type BertConfig,
} from '../../src/model/index.js';
import { onnxModelBytes } from '../../src/serve/index.js';
import { useTempDir } from '../temp-dir.js';

const TINY: BertConfig = {
  vocabSize: 120,
  hiddenSize: 32,
  numHiddenLayers: 4,
  numAttentionHeads: 4,
  intermediateSize: 64,
  maxPositionEmbeddings: 64,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
};
const tmp = useTempDir('bench-query-encoder');

describe('benchQueryEncoder', () => {
  it('one row per path × depth × batch, GFLOP/s from the analytic FLOPs', async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const before = tf.memory().numTensors;
    const rows = await benchQueryEncoder({
      config: TINY,
      depths: [4, 1],
      batchSizes: [1, 3],
      seqLen: 8,
      runs: 2,
      warmup: 0,
      threads: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => `${r.path}/${r.layers}/${r.batch}`)).toEqual([
      'tfjs/4/1',
      'tfjs/4/3',
      'onnxruntime/4/1',
      'onnxruntime/4/3',
      'onnxruntime-int8/4/1',
      'onnxruntime-int8/4/3',
      'tfjs/1/1',
      'tfjs/1/3',
      'onnxruntime/1/1',
      'onnxruntime/1/3',
      'onnxruntime-int8/1/1',
      'onnxruntime-int8/1/3',
    ]);
    for (const r of rows) {
      expect(r.hidden).toBe(32);
      expect(r.seqLen).toBe(8);
      expect(r.p90Ms).toBeGreaterThanOrEqual(r.medianMs);
      expect(r.threads).toBe(r.path === 'tfjs' ? null : 1);
      const flops = encoderFlops({ ...TINY, numHiddenLayers: r.layers }, r.batch, 8);
      expect(r.gflops).toBeCloseTo(flops / 1e6 / r.medianMs, 0);
    }
  });

  it('randomBatch: ids within 5…vocab−1, no padding, fixed by the seed', () => {
    const a = randomBatch(TINY, 2, 6, 9);
    expect(a.inputIds.every((v) => v >= 5 && v < 120)).toBe(true);
    expect(Array.from(a.attentionMask)).toEqual(new Array(12).fill(1));
    expect(Array.from(randomBatch(TINY, 2, 6, 9).inputIds)).toEqual(Array.from(a.inputIds));
  });
});

describe('benchOnnxGraph and benchCorpusEncoding', () => {
  it('times an .onnx file with the same harness', async () => {
    const encoder = createEncoder(TINY, 1);
    const file = join(tmp(), 'tiny.onnx');
    await writeFile(file, onnxModelBytes(encoder, { pooling: 'cls', normalize: false }));
    disposeEncoder(encoder);
    const rows = await benchOnnxGraph(file, 'onnxruntime-torch-export', TINY, {
      batchSizes: [2],
      seqLen: 8,
      runs: 2,
      warmup: 0,
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      path: 'onnxruntime-torch-export',
      layers: 4,
      batch: 2,
      seqLen: 8,
      threads: null,
    });
  });

  it('passages per second on each engine', async () => {
    const rows = await benchCorpusEncoding({
      config: TINY,
      passages: 10,
      seqLen: 16,
      batch: 4,
      threads: 1,
    });
    expect(rows.map((r) => r.path)).toEqual(['tfjs', 'onnxruntime']);
    for (const r of rows) {
      expect(r).toMatchObject({ layers: 4, passages: 10, seqLen: 16, batch: 4 });
      expect(Math.abs(r.passagesPerSecond * r.seconds - 10)).toBeLessThan(0.01);
    }
  });
});
