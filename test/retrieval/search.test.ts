import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { searchTopK, topKToRun } from '../../src/retrieval/search.js';
import { Random } from '../../src/util/random.js';
import { bruteForce, randomMatrix } from './brute-force.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
});

describe('searchTopK', () => {
  it('equals brute force for any chunking, ties to the lower index, and frees its tensors', () => {
    const rng = new Random(3);
    const dim = 8;
    // Half-integer values make exact float32 products with many ties.
    const docs = randomMatrix(rng, 300, dim, true);
    docs.copyWithin(7 * dim, 3 * dim, 4 * dim); // doc 7 duplicates doc 3: an exact tie
    const queries = randomMatrix(rng, 13, dim, true);
    const expected = bruteForce(queries, docs, dim, 10);
    const before = tf.memory().numTensors;
    for (const [docChunk, queryBatch] of [
      [1000, 100],
      [64, 5],
      [7, 1],
    ] as const) {
      const r = searchTopK(queries, docs, dim, 10, { docChunk, queryBatch });
      expect(r.k).toBe(10);
      const got = Array.from({ length: 13 }, (_, i) =>
        Array.from(r.indices.subarray(i * 10, i * 10 + 10)),
      );
      expect(got, `${docChunk}/${queryBatch}`).toEqual(expected);
      // Scores are the products, best first.
      for (let i = 0; i < 13; i++) {
        for (let j = 0; j < 10; j++) {
          const d = r.indices[i * 10 + j]!;
          let s = 0;
          for (let c = 0; c < dim; c++) s += queries[i * dim + c]! * docs[d * dim + c]!;
          expect(r.scores[i * 10 + j]).toBeCloseTo(s, 4);
        }
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('supports cosine and clamps k to the number of documents', () => {
    const rng = new Random(4);
    const dim = 16;
    const docs = randomMatrix(rng, 50, dim);
    for (let c = 0; c < dim; c++) docs[5 * dim + c]! *= 100; // a long vector wins IP, not cosine
    const queries = randomMatrix(rng, 4, dim);
    const r = searchTopK(queries, docs, dim, 5, { metric: 'cosine', docChunk: 16 });
    const got = Array.from({ length: 4 }, (_, i) =>
      Array.from(r.indices.subarray(i * 5, i * 5 + 5)),
    );
    expect(got).toEqual(bruteForce(queries, docs, dim, 5, true));
    expect(Math.max(...r.scores)).toBeLessThanOrEqual(1 + 1e-6);
    const small = searchTopK(queries, docs.subarray(0, 3 * dim), dim, 10);
    expect(small.k).toBe(3);
    expect(small.indices.length).toBe(12);
  });

  it('rejects bad shapes and builds a Run from ids', () => {
    expect(() => searchTopK(new Float32Array(5), new Float32Array(8), 4, 1)).toThrow(
      /multiple of dim 4/,
    );
    expect(() =>
      searchTopK(new Float32Array(4), new Float32Array(8), 4, 1, { metric: 'l2' as 'ip' }),
    ).toThrow(/allowed: ip, cosine/);
    const r = searchTopK(Float32Array.from([1, 0]), Float32Array.from([0, 1, 1, 0, 0.5, 0]), 2, 2);
    expect(topKToRun(r, ['q'], ['a', 'b', 'c'])).toEqual({ q: { b: 1, c: 0.5 } });
    expect(() => topKToRun(r, ['q', 'extra'], ['a', 'b', 'c'])).toThrow(/2 query ids for 1/);
  });
});
