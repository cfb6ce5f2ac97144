import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { searchTopK, topKToRun } from '../../src/retrieval/search.js';
import { Random } from '../../src/util/random.js';
import {
  CHUNKINGS,
  bruteForce,
  expectProductScores,
  randomMatrix,
  resultLists,
  tiedSearchCase,
} from './brute-force.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
});

describe('searchTopK', () => {
  it('equals brute force for any chunking, ties to the lower index, and frees its tensors', () => {
    const { dim, docs, queries, k, expected } = tiedSearchCase();
    const before = tf.memory().numTensors;
    for (const [docChunk, queryBatch] of CHUNKINGS) {
      const r = searchTopK(queries, docs, dim, k, { docChunk, queryBatch });
      expect(r.k).toBe(10);
      expect(resultLists(r), `${docChunk}/${queryBatch}`).toEqual(expected);
      expectProductScores(r, queries, docs, dim); // best first, as the lists above
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
    expect(resultLists(r)).toEqual(bruteForce(queries, docs, dim, 5, true));
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
