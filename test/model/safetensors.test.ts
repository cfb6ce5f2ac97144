/**
 * The safetensors reader against the oracle's per-tensor checksums, the writer round trip,
 * F16/BF16 decoding, and hostile or broken headers (each error names the field or tensor).
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeFloat32,
  encodeSafetensors,
  parseSafetensors,
  readSafetensors,
  MAX_HEADER_BYTES,
} from '../../src/model/index.js';
import { fixture } from './helpers.js';
import { useTempDir } from '../temp-dir.js';

const scratch = useTempDir('safetensors');

interface Checksum {
  shape: number[];
  sum: number;
  sum_abs: number;
  first: number[];
}
const report = JSON.parse(readFileSync(fixture('generation_report.json'), 'utf8')) as {
  configs: Record<string, { tensor_checksums: Record<string, Checksum> }>;
};

/** A file from a hand-written header and data area. */
function craft(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  lengthOverride?: bigint,
): Uint8Array {
  const json = new TextEncoder().encode(
    typeof header === 'string' ? header : JSON.stringify(header),
  );
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors reader', () => {
  for (const model of ['tiny', 'small', 'tiny_strong']) {
    it(`${model}: every tensor matches the oracle checksums`, async () => {
      const st = await readSafetensors(fixture(model, 'model.safetensors'));
      const sums = report.configs[model]!.tensor_checksums;
      expect([...st.header.tensors.keys()].sort()).toEqual(Object.keys(sums).sort());
      expect(st.header.metadata).toEqual({ format: 'pt' });
      for (const [name, want] of Object.entries(sums)) {
        expect(st.header.tensors.get(name)!.shape).toEqual(want.shape);
        const values = decodeFloat32(st, name);
        let sum = 0;
        let sumAbs = 0;
        for (const v of values) {
          sum += v;
          sumAbs += Math.abs(v);
        }
        expect(Array.from(values.subarray(0, 3))).toEqual(want.first.map(Math.fround));
        expect(Math.abs(sum - want.sum)).toBeLessThan(1e-9 * values.length + 1e-9);
        expect(Math.abs(sumAbs - want.sum_abs)).toBeLessThan(1e-9 * values.length + 1e-9);
      }
    });
  }

  it('writes what it reads, bit for bit, with an 8-byte padded header', async () => {
    const bytes = readFileSync(fixture('tiny', 'model.safetensors'));
    const st = parseSafetensors(bytes);
    const tensors = [...st.header.tensors.values()].map((e) => ({
      name: e.name,
      shape: e.shape,
      data: decodeFloat32(st, e.name),
    }));
    const again = encodeSafetensors(tensors);
    const headerLength = Number(new DataView(again.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    // The oracle file was written by the reference library the same way (sorted, padded, F32).
    expect(Buffer.from(again).equals(bytes)).toBe(true);
  });

  it('decodes F16 and BF16 to float32', () => {
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00, 0x0000]); // 1, -2, 0.33325, 2^-24, inf, 0
    const bf16 = new Uint16Array([0x3f80, 0xc040, 0x3eab]); // 1, -3, 0.333984375
    const data = new Uint8Array(f16.byteLength + bf16.byteLength);
    data.set(new Uint8Array(f16.buffer), 0);
    data.set(new Uint8Array(bf16.buffer), f16.byteLength);
    const st = parseSafetensors(
      craft(
        {
          a: { dtype: 'F16', shape: [2, 3], data_offsets: [0, 12] },
          b: { dtype: 'BF16', shape: [3], data_offsets: [12, 18] },
        },
        data,
      ),
    );
    expect(Array.from(decodeFloat32(st, 'a'))).toEqual([
      1,
      -2,
      Math.fround(0.333251953125),
      2 ** -24,
      Infinity,
      0,
    ]);
    expect(Array.from(decodeFloat32(st, 'b'))).toEqual([1, -3, 0.333984375]);
  });

  const f32 = (n: number): Uint8Array => new Uint8Array(n * 4);
  const cases: Array<[string, () => Uint8Array, RegExp]> = [
    [
      'header length larger than the file',
      () => craft({}, f32(1), 1000n),
      /header length 1000 bytes exceeds the 6 bytes/,
    ],
    [
      'header length beyond the cap',
      () => craft({}, new Uint8Array(0), 2n ** 60n),
      /header length 1152921504606846976 bytes exceeds/,
    ],
    ['header not JSON', () => craft('{"a": [1, 2', f32(1)), /header is not valid UTF-8 JSON/],
    ['header not an object', () => craft('[1, 2]'), /header must be a JSON object/],
    [
      'unknown dtype',
      () => craft({ w: { dtype: 'F128', shape: [1], data_offsets: [0, 4] } }, f32(1)),
      /tensor "w": unknown dtype "F128"/,
    ],
    [
      'shape × dtype ≠ span',
      () => craft({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, f32(4)),
      /tensor "w": shape \[2, 2\] × F32 \(4 B\) = 16 bytes, but data_offsets \[0, 12\] span 12/,
    ],
    [
      'offsets past the data',
      () => craft({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(2)),
      /tensor "w": data_offsets \[0, 16\] end past the 8-byte data area/,
    ],
    [
      'overlapping tensors',
      () =>
        craft(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
          },
          f32(3),
        ),
      /tensor "b" data_offsets \[4, 12\] overlap "a" \[0, 8\]/,
    ],
    [
      'bad shape field',
      () => craft({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)),
      /tensor "w": field "shape" must be an array of non-negative integers/,
    ],
    [
      'bad offsets field',
      () => craft({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)),
      /tensor "w": field "data_offsets" must be \[begin, end\]/,
    ],
    [
      'missing dtype',
      () => craft({ w: { shape: [1], data_offsets: [0, 4] } }, f32(1)),
      /tensor "w": field "dtype" must be a string/,
    ],
    ['shorter than 8 bytes', () => new Uint8Array(5), /too short for a safetensors file/],
  ];
  for (const [what, make, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(() => parseSafetensors(make(), 'bad.safetensors')).toThrow(message);
    });
  }

  it('rejects a truncated file on disk, naming the tensor that runs past the end', async () => {
    const dir = mkdtempSync(join(scratch(), 'st-'));
    const bytes = readFileSync(fixture('tiny', 'model.safetensors'));
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    // Tensors are laid out in name order, so pooler.dense.weight is the last one.
    await expect(readSafetensors(path)).rejects.toThrow(
      /tensor "pooler\.dense\.weight": data_offsets \[\d+, \d+\] end past the \d+-byte data area \(truncated file\?\)/,
    );
    writeFileSync(path, bytes.subarray(0, 100));
    await expect(readSafetensors(path)).rejects.toThrow(
      /header length \d+ bytes exceeds the 92 bytes/,
    );
  });

  it('refuses to decode integer tensors as float weights', () => {
    const st = parseSafetensors(
      craft(
        { position_ids: { dtype: 'I64', shape: [1, 2], data_offsets: [0, 16] } },
        new Uint8Array(16),
      ),
    );
    expect(() => decodeFloat32(st, 'position_ids')).toThrow(
      /tensor "position_ids" has dtype I64; only F32, F16, BF16/,
    );
    expect(MAX_HEADER_BYTES).toBe(100_000_000);
  });
});
