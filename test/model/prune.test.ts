/**
 * Layer maps (the paper's 12-layer map, its generalisation, first/last) and pruneLayers
 * (renumbering, unchanged weights, independence from the source).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  createEncoder,
  disposeEncoder,
  layerMap,
  pruneLayers,
  type BertConfig,
} from '../../src/model/index.js';

describe('layerMap', () => {
  it("'spread' reproduces the paper's 12-layer map exactly", () => {
    const paper: Record<number, number[]> = {
      1: [0],
      2: [0, 11],
      3: [0, 5, 11],
      6: [0, 2, 4, 6, 8, 11],
      9: [0, 1, 3, 4, 5, 6, 7, 9, 11],
    };
    for (const [k, map] of Object.entries(paper)) expect(layerMap(12, Number(k))).toEqual(map);
    expect(layerMap(12, 6, 'spread')).toEqual(paper[6]);
  });

  it("'spread' keeps first and last and spreads the rest for any depth", () => {
    expect(layerMap(12, 4)).toEqual([0, 3, 7, 11]);
    expect(layerMap(12, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(layerMap(24, 3)).toEqual([0, 11, 23]);
    expect(layerMap(24, 6)).toEqual([0, 4, 9, 13, 18, 23]);
    expect(layerMap(6, 3)).toEqual([0, 2, 5]); // the KALE script's 3-of-6 choice
    expect(layerMap(4, 2)).toEqual([0, 3]);
    expect(layerMap(1, 1)).toEqual([0]);
  });

  it("'first' and 'last'", () => {
    expect(layerMap(12, 3, 'first')).toEqual([0, 1, 2]);
    expect(layerMap(12, 3, 'last')).toEqual([9, 10, 11]);
    expect(layerMap(6, 6, 'last')).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => layerMap(12, 0)).toThrow(/keep must be an integer in 1…12, got 0/);
    expect(() => layerMap(12, 13)).toThrow(/got 13/);
    expect(() => layerMap(0, 1)).toThrow(/numLayers must be an integer ≥ 1, got 0/);
    expect(() => layerMap(12, 3, 'middle' as never)).toThrow(
      /unknown strategy "middle"; allowed: spread, first, last/,
    );
  });
});

describe('pruneLayers', () => {
  const config: BertConfig = {
    vocabSize: 50,
    hiddenSize: 8,
    numHiddenLayers: 4,
    numAttentionHeads: 2,
    intermediateSize: 16,
    maxPositionEmbeddings: 16,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    initializerRange: 0.02,
  };
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu', announce: false });
  });

  it('keeps the listed layers, renumbered, with unchanged weights, and frees cleanly', () => {
    const before = tf.memory().numTensors;
    const full = createEncoder(config, 7);
    const pruned = pruneLayers(full, [1, 3]);
    expect(pruned.config).toEqual({ ...config, numHiddenLayers: 2 });
    expect(pruned.weights.size).toBe(5 + 2 * 16);
    const same = (a: string, b: string): void =>
      expect(Array.from(pruned.weights.get(a)!.dataSync())).toEqual(
        Array.from(full.weights.get(b)!.dataSync()),
      );
    same(
      'encoder.layer.0.attention.self.query.weight',
      'encoder.layer.1.attention.self.query.weight',
    );
    same('encoder.layer.1.output.dense.weight', 'encoder.layer.3.output.dense.weight');
    same('embeddings.word_embeddings.weight', 'embeddings.word_embeddings.weight');
    expect(pruned.weights.has('encoder.layer.2.output.dense.weight')).toBe(false);
    // Assigning to the pruned copy leaves the source untouched.
    const v = pruned.weights.get('encoder.layer.0.output.dense.bias')!;
    tf.tidy(() => v.assign(tf.onesLike(v)));
    expect(
      full.weights
        .get('encoder.layer.1.output.dense.bias')!
        .dataSync()
        .every((x) => x === 0),
    ).toBe(true);
    disposeEncoder(pruned);
    expect(full.weights.get('encoder.layer.1.attention.self.query.weight')!.dataSync().length).toBe(
      64,
    );
    disposeEncoder(full);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects out-of-range, duplicate and empty layer lists', () => {
    const full = createEncoder(config, 7);
    expect(() => pruneLayers(full, [0, 4])).toThrow(/layer 4 is out of range 0…3/);
    expect(() => pruneLayers(full, [1, 1])).toThrow(/layer 1 is listed twice/);
    expect(() => pruneLayers(full, [])).toThrow(/keep is empty/);
    disposeEncoder(full);
  });
});
