/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON `{name: {dtype, shape, data_offsets},
 * "__metadata__": {...}}`, then the raw little-endian tensor bytes.
 *
 * Reading validates the whole header before allocating anything for the data: the length
 * against the file size and a hard cap, the JSON, every dtype, shape × dtype size against
 * its offset span, offsets inside the data area, and no two tensors overlapping. A hostile
 * or truncated file gets an error naming the tensor and field, never a crash or a huge
 * allocation. Floats decode to float32 from F32, F16 and BF16; other dtypes validate but do
 * not decode. Writing produces F32 only, tensors sorted by name, header padded to 8 bytes
 * with spaces (as the reference Rust library writes it).
 *
 * It does not know about BERT names or shapes (checkpoint.ts checks those).
 */
import { open } from 'node:fs/promises';
import { float32FromLe, float32LeBytes } from '../util/bytes.js';

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES: Readonly<Record<string, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
});

/** Dtypes `decodeFloat32` reads. */
export const FLOAT_DTYPES: readonly string[] = Object.freeze(['F32', 'F16', 'BF16']);

/** Largest header accepted (the reference library's limit): 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Byte range inside the data area (after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface SafetensorsFile {
  /** Where it came from, for errors. */
  readonly file: string;
  readonly header: SafetensorsHeader;
  /** The data area: every tensor's bytes, at `begin … end`. */
  readonly data: Uint8Array;
}

/** Reads and validates a safetensors file; the header is checked before the data is read. */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  try {
    return await readValidated(path);
  } catch (error) {
    // fs errors on an open handle (EISDIR, EIO) name no file: add it.
    const e = error as NodeJS.ErrnoException;
    if (e.syscall !== undefined && !e.message.includes(path))
      throw new Error(`${path}: cannot read (${e.code ?? e.message})`, { cause: error });
    throw error;
  }
}

async function readValidated(path: string): Promise<SafetensorsFile> {
  const handle = await open(path, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const prefix = new Uint8Array(8);
    if (fileSize < 8 || (await handle.read(prefix, 0, 8, 0)).bytesRead < 8) {
      throw new Error(
        `${path}: ${fileSize} bytes is too short for a safetensors file (8-byte header length)`,
      );
    }
    const headerLength = checkHeaderLength(prefix, fileSize, path);
    const headerBytes = new Uint8Array(headerLength);
    await handle.read(headerBytes, 0, headerLength, 8);
    const dataSize = fileSize - 8 - headerLength;
    const header = parseHeader(headerBytes, dataSize, path);
    const data = new Uint8Array(dataSize);
    const { bytesRead } = await handle.read(data, 0, dataSize, 8 + headerLength);
    if (bytesRead !== dataSize) {
      throw new Error(
        `${path}: read ${bytesRead} of ${dataSize} data bytes (file changed while reading?)`,
      );
    }
    return { file: path, header, data };
  } finally {
    await handle.close();
  }
}

/** The same as `readSafetensors`, over bytes already in memory. */
export function parseSafetensors(bytes: Uint8Array, file = '<buffer>'): SafetensorsFile {
  if (bytes.length < 8) {
    throw new Error(
      `${file}: ${bytes.length} bytes is too short for a safetensors file (8-byte header length)`,
    );
  }
  const headerLength = checkHeaderLength(bytes.subarray(0, 8), bytes.length, file);
  const dataSize = bytes.length - 8 - headerLength;
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), dataSize, file);
  return { file, header, data: bytes.subarray(8 + headerLength) };
}

function checkHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileSize - 8)) {
    throw new Error(
      `${file}: header length ${n} bytes exceeds the ${fileSize - 8} bytes after the length field: truncated file or not safetensors`,
    );
  }
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new Error(`${file}: header length ${n} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (n < 2n) throw new Error(`${file}: header length ${n} is too small for a JSON object`);
  return Number(n);
}

/** Validates the JSON header against a data area of `dataSize` bytes. */
export function parseHeader(
  headerBytes: Uint8Array,
  dataSize: number,
  file: string,
): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new Error(`${file}: header is not valid UTF-8 JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${file}: header must be a JSON object`);
  }
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(raw, file);
      continue;
    }
    tensors.set(name, parseEntry(name, raw, dataSize, file));
  }
  const sorted = [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.begin < prev.end) {
      throw new Error(
        `${file}: tensor "${cur.name}" data_offsets [${cur.begin}, ${cur.end}] overlap "${prev.name}" [${prev.begin}, ${prev.end}]`,
      );
    }
  }
  return { tensors, metadata };
}

function parseMetadata(raw: unknown, file: string): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${file}: "__metadata__" must be an object of strings`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new Error(`${file}: "__metadata__.${k}" must be a string`);
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, raw: unknown, dataSize: number, file: string): TensorEntry {
  const where = `${file}: tensor "${name}"`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${where}: entry must be an object with dtype, shape, data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') throw new Error(`${where}: field "dtype" must be a string`);
  const elementBytes = DTYPE_BYTES[dtype];
  if (elementBytes === undefined) {
    throw new Error(
      `${where}: unknown dtype "${dtype}"; known: ${Object.keys(DTYPE_BYTES).join(', ')}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new Error(
      `${where}: field "shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new Error(
      `${where}: field "data_offsets" must be [begin, end], got ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new Error(`${where}: data_offsets [${begin}, ${end}] has begin > end`);
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  const bytes = elements * elementBytes;
  if (!Number.isSafeInteger(bytes) || bytes !== end - begin) {
    throw new Error(
      `${where}: shape [${shape.join(', ')}] × ${dtype} (${elementBytes} B) = ${bytes} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  if (end > dataSize) {
    throw new Error(
      `${where}: data_offsets [${begin}, ${end}] end past the ${dataSize}-byte data area (truncated file?)`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** The tensor `name` as float32 (from F32, F16 or BF16), in its stored row-major order. */
export function decodeFloat32(st: SafetensorsFile, name: string): Float32Array {
  const entry = st.header.tensors.get(name);
  if (entry === undefined) throw new Error(`${st.file}: no tensor "${name}"`);
  const bytes = st.data.subarray(entry.begin, entry.end);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = (entry.end - entry.begin) / (DTYPE_BYTES[entry.dtype] ?? 1);
  const out = new Float32Array(n);
  switch (entry.dtype) {
    case 'F32':
      return float32FromLe(bytes, `${st.file}: tensor "${name}"`, out); // an aligned copy
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits up and reinterpret.
      const scratch = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        scratch.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = scratch.getFloat32(0);
      }
      return out;
    }
    default:
      throw new Error(
        `${st.file}: tensor "${name}" has dtype ${entry.dtype}; only ${FLOAT_DTYPES.join(', ')} can be read as float weights`,
      );
  }
}

/** IEEE 754 half → float (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A safetensors file (F32) holding `tensors`, sorted by name. */
export function encodeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>> = { format: 'pt' },
): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // No prototype: a tensor named "constructor" or "__proto__" is an ordinary key.
  const header = Object.create(null) as Record<string, unknown>;
  header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of sorted) {
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (elements !== t.data.length) {
      throw new Error(
        `encodeSafetensors: tensor "${t.name}" has ${t.data.length} values for shape [${t.shape.join(', ')}]`,
      );
    }
    if (Object.hasOwn(header, t.name))
      throw new Error(`encodeSafetensors: tensor "${t.name}" given twice`);
    header[t.name] = {
      dtype: 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + t.data.length * 4],
    };
    offset += t.data.length * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of sorted) {
    out.set(float32LeBytes(t.data), pos);
    pos += t.data.length * 4;
  }
  return out;
}
