/** Row-major float32 matrices: small helpers shared by encoding and search. */

/** Scales each row of `vectors` ([N·dim]) to unit L2 norm in place; zero rows stay zero. */
export function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  for (let start = 0; start < vectors.length; start += dim) {
    let sum = 0;
    for (let d = start; d < start + dim; d++) sum += vectors[d]! * vectors[d]!;
    if (sum === 0) continue;
    const inv = 1 / Math.sqrt(sum);
    for (let d = start; d < start + dim; d++) vectors[d]! *= inv;
  }
  return vectors;
}
