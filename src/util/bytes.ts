/**
 * Float32 data as bytes, the same on every host, and the one content hash of kalelab.
 *
 * - `LITTLE_ENDIAN` is the one byte-order check. Every file kalelab writes stores float32
 *   little-endian (safetensors, dense-index shards); `float32LeBytes` / `float32FromLe`
 *   convert on a big-endian host and cost nothing (a view, one copy) on a little-endian one.
 * - `ContentHash` is sha256 over strings (UTF-8) and float32 arrays (their little-endian
 *   bytes, so a fingerprint does not depend on the host). `float32Hash` is the short form
 *   for one array.
 *
 * It does not know what the bytes mean (tensor names, shapes and formats live with their
 * readers and writers).
 */
import { createHash } from 'node:crypto';

/** Whether this host stores numbers little-endian (all but a few IBM platforms). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of `values`: a view on a little-endian host, a converted copy elsewhere. */
export function float32LeBytes(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

/**
 * Copies little-endian float32 `bytes` into `out` from element `at` (default: a new array
 * of the right length). The bytes need not be 4-byte aligned (a Buffer from readFile often
 * is not). `what` names the source in errors.
 */
export function float32FromLe(
  bytes: Uint8Array,
  what: string,
  out: Float32Array = new Float32Array(bytes.length >>> 2),
  at = 0,
): Float32Array {
  if (bytes.length % 4 !== 0) {
    throw new Error(`${what}: ${bytes.length} bytes is not a whole number of float32 values`);
  }
  const n = bytes.length / 4;
  if (at < 0 || at + n > out.length) {
    throw new Error(`${what}: ${n} values do not fit at ${at} in an array of ${out.length}`);
  }
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset + at * 4, bytes.length).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) out[at + i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/** Incremental sha256 over strings and float32 arrays (see the file header). */
export class ContentHash {
  private readonly hash = createHash('sha256');

  /** Adds a string (as UTF-8) or a float32 array (as its little-endian bytes). */
  update(part: string | Float32Array): this {
    this.hash.update(typeof part === 'string' ? part : float32LeBytes(part));
    return this;
  }

  /** The digest in hex, its first `digits` characters (default all 64). Ends the hash. */
  hex(digits = 64): string {
    return this.hash.digest('hex').slice(0, digits);
  }
}

/** sha256 of `values`' float32 little-endian bytes, the first `digits` hex digits (default 16). */
export function float32Hash(values: Float32Array, digits = 16): string {
  return new ContentHash().update(values).hex(digits);
}
