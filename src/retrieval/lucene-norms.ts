/**
 * Lucene's one-byte document-length encoding (`SmallFloat.intToByte4` / `byte4ToInt`),
 * which its BM25 uses: lengths up to 23 are exact, longer ones keep 4 significant bits.
 * Scoring with the decoded length reproduces Lucene's and Elasticsearch's BM25 scores;
 * the average length stays exact, as in Lucene.
 */

/** Number of exactly represented small values: 255 − longToInt4(2^31 − 1) = 24. */
const NUM_FREE_VALUES = 24;

function longToInt4(i: number): number {
  const numBits = 32 - Math.clz32(i);
  if (numBits < 4) return i;
  const shift = numBits - 4;
  const encoded = (i >>> shift) & 0x07; // the 3 bits after the implicit leading 1
  return encoded | ((shift + 1) << 3);
}

function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

/** Encodes a non-negative length into one byte (0..255). */
export function lengthToByte(length: number): number {
  if (!Number.isInteger(length) || length < 0)
    throw new Error(`lengthToByte: bad length ${length}`);
  return length < NUM_FREE_VALUES ? length : NUM_FREE_VALUES + longToInt4(length - NUM_FREE_VALUES);
}

/** Decodes a byte from `lengthToByte` to the length Lucene scores with. */
export function byteToLength(b: number): number {
  return b < NUM_FREE_VALUES ? b : NUM_FREE_VALUES + int4ToLong(b - NUM_FREE_VALUES);
}

/** The length Lucene's BM25 sees for a document of `length` terms. */
export function luceneLength(length: number): number {
  return byteToLength(lengthToByte(length));
}
