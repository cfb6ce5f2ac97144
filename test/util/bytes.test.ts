import { describe, expect, it } from 'vitest';
import {
  ContentHash,
  LITTLE_ENDIAN,
  float32FromLe,
  float32Hash,
  float32LeBytes,
} from '../../src/util/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// Expected values from Python: struct.pack('<3f', 1, 2, 3) and hashlib.sha256 over it.
const ONE_TWO_THREE_LE = '0000803f0000004000004040';
const ONE_TWO_THREE_SHA256 = '8e628779e6a74ee0b36991c10158f63cafec7d340ad4e075592502c8708524dd';

describe('float32LeBytes / float32FromLe', () => {
  it('writes the little-endian bytes Python writes, and reads them back', () => {
    expect(LITTLE_ENDIAN).toBe(true); // every machine this suite runs on
    const values = Float32Array.from([1, 2, 3]);
    expect(hex(float32LeBytes(values))).toBe(ONE_TWO_THREE_LE);
    expect([...float32FromLe(Buffer.from(ONE_TWO_THREE_LE, 'hex'), 'x')]).toEqual([1, 2, 3]);
  });

  it('views only the part of a subarray', () => {
    const values = Float32Array.from([9, 1, 2, 3, 9]).subarray(1, 4);
    expect(hex(float32LeBytes(values))).toBe(ONE_TWO_THREE_LE);
  });

  it('reads unaligned bytes into place and refuses what does not fit', () => {
    const padded = new Uint8Array(13);
    padded.set(Buffer.from(ONE_TWO_THREE_LE, 'hex'), 1);
    const out = new Float32Array(5);
    float32FromLe(padded.subarray(1), 'x', out, 2);
    expect([...out]).toEqual([0, 0, 1, 2, 3]);
    expect(() => float32FromLe(padded.subarray(1), 'shard.f32', out, 3)).toThrow(
      'shard.f32: 3 values do not fit at 3 in an array of 5',
    );
    expect(() => float32FromLe(padded.subarray(0, 6), 'shard.f32')).toThrow(
      'shard.f32: 6 bytes is not a whole number of float32 values',
    );
  });
});

describe('ContentHash / float32Hash', () => {
  it('is sha256 of the little-endian bytes (checked against Python hashlib)', () => {
    expect(new ContentHash().update(Float32Array.from([1, 2, 3])).hex()).toBe(ONE_TWO_THREE_SHA256);
    expect(float32Hash(Float32Array.from([1, 2, 3]))).toBe(ONE_TWO_THREE_SHA256.slice(0, 16));
    expect(float32Hash(Float32Array.from([1, 2, 3]), 64)).toBe(ONE_TWO_THREE_SHA256);
  });

  it('hashes strings as UTF-8 and parts in order (hashlib over the concatenation)', () => {
    const h = new ContentHash()
      .update('héllo')
      .update(Float32Array.from([0.5, -2]))
      .hex();
    expect(h).toBe('bcaad3fe0f81e064cc6489744702f10b6f2389fe8781ba290c2017640a597c25');
  });

  it('changes with the last bit of a value', () => {
    expect(float32Hash(Float32Array.from([1, 2, 3.0000002]))).not.toBe(
      float32Hash(Float32Array.from([1, 2, 3])),
    );
  });
});
