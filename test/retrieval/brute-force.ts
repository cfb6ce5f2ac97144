/** Search helpers shared by the search tests: random matrices and a brute-force reference. */
import { expect } from 'vitest';
import type { TopKResult } from '../../src/retrieval/search.js';
import { Random } from '../../src/util/random.js';

export function randomMatrix(rng: Random, rows: number, dim: number, round = false): Float32Array {
  return Float32Array.from({ length: rows * dim }, () =>
    round ? Math.round(rng.normal() * 2) / 2 : rng.normal(),
  );
}

/** Brute force in doubles over float32 inputs: best first, ties to the lower index. */
export function bruteForce(
  q: Float32Array,
  d: Float32Array,
  dim: number,
  k: number,
  cosine = false,
): number[][] {
  const nq = q.length / dim;
  const nd = d.length / dim;
  const norm = (m: Float32Array, r: number): number =>
    cosine
      ? Math.sqrt(Array.from(m.subarray(r * dim, (r + 1) * dim)).reduce((s, x) => s + x * x, 0)) ||
        1
      : 1;
  return Array.from({ length: nq }, (_, i) => {
    const scored = Array.from({ length: nd }, (_, j) => {
      let s = 0;
      for (let c = 0; c < dim; c++) s += q[i * dim + c]! * d[j * dim + c]!;
      return { j, s: s / norm(q, i) / norm(d, j) };
    });
    return scored
      .sort((a, b) => b.s - a.s || a.j - b.j)
      .slice(0, k)
      .map((x) => x.j);
  });
}

/**
 * The tie-heavy case both searches are checked on: half-integer values make exact float32
 * products with many ties, and doc 7 duplicates doc 3. `expected` is the brute force's top 10.
 */
export function tiedSearchCase() {
  const rng = new Random(3);
  const dim = 8;
  const docs = randomMatrix(rng, 300, dim, true);
  docs.copyWithin(7 * dim, 3 * dim, 4 * dim);
  const queries = randomMatrix(rng, 13, dim, true);
  return { dim, docs, queries, k: 10, expected: bruteForce(queries, docs, dim, 10) };
}

/** Document and query chunk sizes to search the tied case with; [7, 1] has chunks smaller than k. */
export const CHUNKINGS = [
  [1000, 100],
  [64, 5],
  [7, 1],
] as const;

/** A search result as one list of document indices per query, best first. */
export function resultLists(r: Pick<TopKResult, 'indices' | 'k' | 'numQueries'>): number[][] {
  return Array.from({ length: r.numQueries }, (_, i) =>
    Array.from(r.indices.subarray(i * r.k, (i + 1) * r.k)),
  );
}

/** Each result's score is its query–document product (to 4 decimals). */
export function expectProductScores(
  r: TopKResult,
  queries: Float32Array,
  docs: Float32Array,
  dim: number,
): void {
  for (let i = 0; i < r.numQueries; i++) {
    for (let j = 0; j < r.k; j++) {
      const d = r.indices[i * r.k + j]!;
      let s = 0;
      for (let c = 0; c < dim; c++) s += queries[i * dim + c]! * docs[d * dim + c]!;
      expect(r.scores[i * r.k + j]).toBeCloseTo(s, 4);
    }
  }
}
