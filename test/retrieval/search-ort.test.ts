import { describe, expect, it } from 'vitest';
import { searchTopK } from '../../src/retrieval/search.js';
import { searchTopKOrt, searchTopKWith } from '../../src/retrieval/search-ort.js';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/util/random.js';
import {
  CHUNKINGS,
  bruteForce,
  expectProductScores,
  randomMatrix,
  resultLists,
  tiedSearchCase,
} from './brute-force.js';

describe('searchTopKOrt', () => {
  it('equals brute force for any chunking, ties to the lower index', async () => {
    const { dim, docs, queries, k, expected } = tiedSearchCase();
    for (const [docChunk, queryBatch] of CHUNKINGS) {
      const r = await searchTopKOrt(queries, docs, dim, k, { docChunk, queryBatch, threads: 1 });
      expect(r.k).toBe(10);
      expect(resultLists(r), `${docChunk}/${queryBatch}`).toEqual(expected);
      expectProductScores(r, queries, docs, dim);
    }
  });

  it('supports cosine and clamps k to the number of documents', async () => {
    const rng = new Random(4);
    const dim = 16;
    const docs = randomMatrix(rng, 50, dim);
    for (let c = 0; c < dim; c++) docs[5 * dim + c]! *= 100; // a long vector wins IP, not cosine
    const queries = randomMatrix(rng, 4, dim);
    const given = { queries: queries.slice(), docs: docs.slice() };
    const r = await searchTopKOrt(queries, docs, dim, 5, { metric: 'cosine', docChunk: 16 });
    expect(resultLists(r)).toEqual(bruteForce(queries, docs, dim, 5, true));
    expect(Math.max(...r.scores)).toBeLessThanOrEqual(1 + 1e-6);
    expect({ queries, docs }).toEqual(given); // normalised copies, not the caller's arrays
    const small = await searchTopKOrt(queries, docs.subarray(0, 3 * dim), dim, 10);
    expect(small.k).toBe(3);
    expect(resultLists(small)).toEqual(bruteForce(queries, docs.subarray(0, 3 * dim), dim, 3));
  });

  it('finds what the tfjs search finds at a real size', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    const rng = new Random(12);
    const dim = 64;
    const docs = randomMatrix(rng, 20_000, dim);
    const queries = randomMatrix(rng, 300, dim);
    const ort = await searchTopKOrt(queries, docs, dim, 100);
    const tfjs = searchTopK(queries, docs, dim, 100);
    let same = 0;
    for (let i = 0; i < ort.indices.length; i++) {
      if (ort.indices[i] === tfjs.indices[i]) same++;
      // Float32 products from two libraries: equal to rounding.
      expect(Math.abs(ort.scores[i]! - tfjs.scores[i]!)).toBeLessThan(1e-4);
    }
    // Only near-ties (scores within rounding) may swap places.
    expect(same / ort.indices.length).toBeGreaterThan(0.999);
  });

  it('rejects bad shapes and arguments as searchTopK does', async () => {
    await expect(searchTopKOrt(new Float32Array(5), new Float32Array(8), 4, 1)).rejects.toThrow(
      /queryVecs has 5 values, not a multiple of dim 4/,
    );
    await expect(searchTopKOrt(new Float32Array(4), new Float32Array(8), 4, 0)).rejects.toThrow(
      /k must be a positive integer/,
    );
    await expect(
      searchTopKOrt(new Float32Array(4), new Float32Array(8), 4, 1, { metric: 'l2' as 'ip' }),
    ).rejects.toThrow(/allowed: ip, cosine/);
    const none = await searchTopKOrt(new Float32Array(0), new Float32Array(8), 4, 1);
    expect(none.numQueries).toBe(0);
  });
});

describe('searchTopKWith', () => {
  it('sends non-finite inputs to the tfjs search, which never keeps NaN', async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const docs = Float32Array.from([1, 0, NaN, 0, 2, 0, 0.5, 0]);
    const queries = Float32Array.from([1, 0]);
    const r = await searchTopKWith('onnxruntime', queries, docs, 2, 3);
    expect(resultLists(r)).toEqual([[2, 0, 3]]);
    expect(r).toEqual(searchTopK(queries, docs, 2, 3));
  });

  it('names the engines it knows', async () => {
    await expect(
      searchTopKWith('faiss' as 'tfjs', new Float32Array(2), new Float32Array(2), 2, 1),
    ).rejects.toThrow(/search engine "faiss"; allowed: tfjs, onnxruntime/);
  });
});
