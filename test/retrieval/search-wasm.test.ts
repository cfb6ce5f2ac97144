import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { searchTopK } from '../../src/retrieval/search.js';
import { Random } from '../../src/util/random.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

describe('searchTopK on wasm', () => {
  it('finds the same neighbours as a double-precision brute force', () => {
    const rng = new Random(11);
    const dim = 32;
    const docs = Float32Array.from({ length: 2000 * dim }, () => rng.normal());
    const queries = Float32Array.from({ length: 20 * dim }, () => rng.normal());
    const before = tf.memory().numTensors;
    const r = searchTopK(queries, docs, dim, 5, { docChunk: 300, queryBatch: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.getBackend()).toBe('wasm');
    for (let i = 0; i < 20; i++) {
      const scored = Array.from({ length: 2000 }, (_, j) => {
        let s = 0;
        for (let c = 0; c < dim; c++) s += queries[i * dim + c]! * docs[j * dim + c]!;
        return { j, s };
      }).sort((a, b) => b.s - a.s);
      expect(Array.from(r.indices.subarray(i * 5, i * 5 + 5))).toEqual(
        scored.slice(0, 5).map((x) => x.j),
      );
      expect(r.scores[i * 5]).toBeCloseTo(scored[0]!.s, 3);
    }
  });
});
