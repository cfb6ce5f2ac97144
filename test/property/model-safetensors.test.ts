/**
 * Properties of src/model/safetensors.ts on hostile files: random header length fields,
 * random JSON headers (unknown dtypes, huge or negative shapes and offsets, overlaps,
 * metadata of any type), random bytes, and sparse files of up to 16 GB. Reading either
 * fails with an Error that names the file, or returns tensors that lie inside the data
 * area; and it never allocates more bytes than the file holds. Allocations are measured
 * by counting every typed array and ArrayBuffer constructed during the read.
 */
import fc from 'fast-check';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FLOAT_DTYPES,
  decodeFloat32,
  parseSafetensors,
  readSafetensors,
  type SafetensorsFile,
} from '../../src/model/safetensors.js';
import { useTempDir } from '../temp-dir.js';
import { check } from './check.js';

const DTYPES = ['F32', 'F16', 'BF16', 'I64', 'U8', 'BOOL', 'F64', 'f32', 'Q4', ''];
const count = fc.oneof(
  fc.nat(64),
  fc.constantFrom(0, 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 1e300, -1, 1.5, Number.MAX_VALUE),
);
const entry = fc.oneof(
  fc.record(
    {
      dtype: fc.oneof(fc.constantFrom(...DTYPES), fc.integer(), fc.constant(null)),
      shape: fc.oneof(fc.array(count, { maxLength: 4 }), fc.string(), fc.constant(null)),
      data_offsets: fc.oneof(
        fc.array(count, { maxLength: 3 }),
        fc.tuple(count, count),
        fc.string(),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const header = fc.oneof(
  fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('__metadata__', '__proto__', 'constructor'),
    ),
    fc.oneof(entry, fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }))),
    { maxKeys: 5 },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A file: the 8-byte length (honest, or any 64-bit number), the header text, the data bytes. */
const randomFile = fc
  .tuple(
    header.map((h) => JSON.stringify(h) ?? 'null'),
    fc.oneof(
      fc.constant(undefined),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.bigInt({ min: 0n, max: 300n }),
    ),
    fc.uint8Array({ maxLength: 256 }),
    fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
  )
  .map(([json, length, data, flips]) => {
    const text = new TextEncoder().encode(json);
    const bytes = new Uint8Array(8 + text.length + data.length);
    new DataView(bytes.buffer).setBigUint64(0, length ?? BigInt(text.length), true);
    bytes.set(text, 8);
    bytes.set(data, 8 + text.length);
    for (const [at, value] of flips) bytes[at % bytes.length] = value; // corrupt a few bytes
    return bytes;
  });

const VALID_DTYPES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, U8: 1, BOOL: 1 };

/** Bytes of a file with `json` as header (length field honest unless given) and `data`. */
function fileBytes(json: string, data: Uint8Array, length?: bigint): Uint8Array {
  const text = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, length ?? BigInt(text.length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  return bytes;
}

/**
 * A well-formed file of 0–4 tensors, then (usually) one hostile change: a field of one
 * entry replaced, the data cut short or grown, or bytes flipped anywhere.
 */
const nearValidFile = fc
  .tuple(
    fc.uniqueArray(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 6 }),
        dtype: fc.constantFrom(...Object.keys(VALID_DTYPES)),
        shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
      }),
      { selector: (t) => t.name, maxLength: 4 },
    ),
    fc.nat(),
    fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({
        kind: fc.constant('field' as const),
        field: fc.constantFrom('dtype', 'shape', 'data_offsets'),
        value: fc.oneof(
          count,
          fc.array(count, { maxLength: 3 }),
          fc.constantFrom('F32', 'X', null),
        ),
      }),
      fc.record({ kind: fc.constant('resize' as const), delta: fc.integer({ min: -64, max: 64 }) }),
      fc.record({
        kind: fc.constant('flip' as const),
        flips: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }),
      }),
    ),
  )
  .map(([tensors, pick, change]) => {
    const header: Record<string, Record<string, unknown>> = {};
    let offset = 0;
    for (const t of tensors) {
      const bytes = t.shape.reduce((a, b) => a * b, 1) * VALID_DTYPES[t.dtype]!;
      header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
      offset += bytes;
    }
    const names = Object.keys(header);
    if (change.kind === 'field' && names.length > 0)
      header[names[pick % names.length]!]![change.field] = change.value;
    const size = change.kind === 'resize' ? Math.max(0, offset + change.delta) : offset;
    const data = new Uint8Array(size).map((_, i) => (i * 37) & 255);
    const bytes = fileBytes(JSON.stringify({ __metadata__: { format: 'pt' }, ...header }), data);
    if (change.kind === 'flip') for (const [at, v] of change.flips) bytes[at % bytes.length] = v;
    return bytes;
  });

const hostileFile = fc.oneof(
  { arbitrary: randomFile, weight: 1 },
  { arbitrary: nearValidFile, weight: 2 },
);

/** The largest single allocation (bytes) by typed-array or ArrayBuffer constructors while `fn` runs. */
async function largestAllocation<T>(
  fn: () => Promise<T>,
): Promise<{ bytes: number; result: T | Error }> {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = [
    'ArrayBuffer',
    'Uint8Array',
    'Float32Array',
    'Uint16Array',
    'Int32Array',
    'Float64Array',
    'DataView',
  ];
  const originals = names.map((n) => g[n]);
  let largest = 0;
  names.forEach((name, i) => {
    const Original = originals[i] as new (...args: unknown[]) => object;
    const perElement =
      name === 'ArrayBuffer' || name === 'DataView'
        ? 1
        : (Original as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    g[name] = new Proxy(Original, {
      construct(target, args, newTarget) {
        if (typeof args[0] === 'number') largest = Math.max(largest, args[0] * perElement);
        return Reflect.construct(
          target,
          args,
          newTarget === g[name] ? target : newTarget,
        ) as object;
      },
    });
  });
  let result: T | Error;
  try {
    result = await fn();
  } catch (error) {
    result = error as Error;
  } finally {
    names.forEach((name, i) => (g[name] = originals[i]));
  }
  return { bytes: largest, result };
}

/** A result is either an error naming the file or a header whose tensors lie in the data area. */
function expectSound(result: SafetensorsFile | Error, file: string, fileSize: number): void {
  if (result instanceof Error) {
    expect(result.message.startsWith(`${file}:`), result.message).toBe(true);
    return;
  }
  expect(result.data.byteLength).toBeLessThanOrEqual(fileSize);
  for (const t of result.header.tensors.values()) {
    expect(0 <= t.begin && t.begin <= t.end && t.end <= result.data.byteLength).toBe(true);
    if (FLOAT_DTYPES.includes(t.dtype)) {
      const values = decodeFloat32(result, t.name);
      // F16/BF16 widen to float32: at most twice the stored bytes
      expect(values.byteLength).toBeLessThanOrEqual(2 * (t.end - t.begin));
    } else {
      expect(() => decodeFloat32(result, t.name)).toThrow(file);
    }
  }
}

describe('safetensors reader on hostile bytes', () => {
  const dir = useTempDir('prop-st');
  let n = 0;
  afterEach(() => expect(globalThis.Uint8Array.name).toBe('Uint8Array'));

  it('parseSafetensors: an error naming the buffer, or tensors inside the data area', async (context) => {
    await check(
      context,
      fc.property(hostileFile, (bytes) => {
        let result: SafetensorsFile | Error;
        try {
          result = parseSafetensors(bytes, 'mem.safetensors');
        } catch (error) {
          result = error as Error;
        }
        expect(result).toSatisfy((r) => r instanceof Error || typeof r === 'object');
        expectSound(result, 'mem.safetensors', bytes.length);
      }),
      1000,
    );
  });

  it('readSafetensors never allocates more than the file size, and fails naming the file', async (context) => {
    await check(
      context,
      fc.asyncProperty(hostileFile, async (bytes) => {
        const path = join(dir(), `h${n++}.safetensors`);
        await writeFile(path, bytes);
        const { bytes: allocated, result } = await largestAllocation(() => readSafetensors(path));
        expect(allocated).toBeLessThanOrEqual(bytes.length);
        expectSound(result, path, bytes.length);
      }),
      300,
    );
  });

  it('sparse files of up to 16 GB with a header that does not fit them: an error, no big allocation', async (context) => {
    const sparse = fc.record({
      size: fc.integer({ min: 2 ** 30, max: 2 ** 34 }),
      overshoot: fc.integer({ min: 1, max: 2 ** 20 }),
      elements: fc.constantFrom(2 ** 30, 2 ** 40, 2 ** 52),
      kind: fc.constantFrom(
        'offsets past the end',
        'shape larger than offsets',
        'length field past the end',
      ),
    });
    await check(
      context,
      fc.asyncProperty(sparse, async ({ size, overshoot, elements, kind }) => {
        const path = join(dir(), `sparse${n++}.safetensors`);
        const h = JSON.stringify({
          w: { dtype: 'F32', shape: [elements], data_offsets: [0, elements * 4] },
        });
        const headerLength = kind === 'length field past the end' ? BigInt(size) : BigInt(h.length);
        const dataSize = size - 8 - h.length;
        const claimed =
          kind === 'offsets past the end'
            ? JSON.stringify({
                w: {
                  dtype: 'U8',
                  shape: [dataSize + overshoot],
                  data_offsets: [0, dataSize + overshoot],
                },
              })
            : h.replace(/"shape":\[\d+\]/, `"shape":[${elements + overshoot}]`);
        const head = new Uint8Array(8 + claimed.length);
        new DataView(head.buffer).setBigUint64(0, headerLength, true);
        head.set(new TextEncoder().encode(claimed), 8);
        const handle = await open(path, 'w');
        await handle.write(head, 0, head.length, 0);
        await handle.truncate(size + (claimed.length - h.length)); // sparse: no data blocks written
        await handle.close();
        const { bytes: allocated, result } = await largestAllocation(() => readSafetensors(path));
        expect(result).toBeInstanceOf(Error);
        expect((result as Error).message.startsWith(`${path}:`), (result as Error).message).toBe(
          true,
        );
        expect(allocated).toBeLessThanOrEqual(1 << 20);
        await writeFile(path, ''); // free the blocks' accounting at once
      }),
    );
  });
});
