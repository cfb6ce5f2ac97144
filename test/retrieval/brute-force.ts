/** Search helpers shared by the search tests: random matrices and a brute-force reference. */
import type { Random } from '../../src/util/random.js';

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
