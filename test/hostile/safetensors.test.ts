/**
 * Hostile safetensors files, read with readSafetensors: every malformed header is an error
 * naming the file and the tensor and field, before the data is allocated; odd but valid
 * files (padding, empty tensors, prototype-named tensors, F16/BF16) read correctly.
 */
import {
  decodeFloat32,
  encodeSafetensors,
  readSafetensors,
  type SafetensorsFile,
} from '../../src/model/safetensors.js';
import { check, describeCases, PROTO_IDS, type HostileCase } from './corpus.js';

const FILE = 'model.safetensors';

/** A file: 8-byte length (or `length`), the header text or bytes, then `data`. */
function st(
  header: string | Uint8Array,
  data: Uint8Array = new Uint8Array(0),
  length?: bigint,
): Uint8Array {
  const h = typeof header === 'string' ? Buffer.from(header) : Buffer.from(header);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length ?? BigInt(h.length));
  return Buffer.concat([prefix, h, data]);
}

const entry = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...over } });

const read = (dir: string) => readSafetensors(`${dir}/${FILE}`);

function bad(name: string, bytes: Uint8Array, ...names: string[]): HostileCase {
  return { name, files: { [FILE]: bytes }, run: read, expect: { error: [FILE, ...names] } };
}

const DATA8 = new Uint8Array(8);

const badCases: HostileCase[] = [
  bad('an empty file', new Uint8Array(0), 'too short'),
  bad('4 bytes', new Uint8Array(4), 'too short'),
  bad('header length 2^63', st('{}', DATA8, 1n << 63n), 'header length'),
  bad('header length past the end', st('{}', DATA8, 100n), 'header length', 'exceeds'),
  bad('header length 1', st('{', new Uint8Array(0), 1n), 'too small'),
  bad('header length 0', st('', DATA8, 0n), 'too small'),
  bad('header that is not JSON', st('{abc'), 'not valid UTF-8 JSON'),
  bad('header that is a JSON array', st('[1,2]'), 'JSON object'),
  bad('header that is a JSON string', st('"x"'), 'JSON object'),
  bad(
    'header bytes that are not UTF-8',
    st(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])),
    'UTF-8',
  ),
  bad('a tensor entry that is a number', st('{"w":5}', DATA8), 'tensor "w"', 'entry'),
  bad(
    'a tensor entry without dtype',
    st(entry({ dtype: undefined }), DATA8),
    'tensor "w"',
    'dtype',
  ),
  bad('a tensor of dtype F128', st(entry({ dtype: 'F128' }), DATA8), 'tensor "w"', 'dtype "F128"'),
  bad('a shape that is a string', st(entry({ shape: '2' }), DATA8), 'tensor "w"', 'shape'),
  bad('a negative dimension', st(entry({ shape: [-2] }), DATA8), 'tensor "w"', 'shape'),
  bad('a fractional dimension', st(entry({ shape: [1.5] }), DATA8), 'tensor "w"', 'shape'),
  bad(
    'dimensions whose product passes 2^53',
    st(entry({ shape: [2 ** 30, 2 ** 30, 2 ** 30] }), DATA8),
    'tensor "w"',
    'shape',
  ),
  bad(
    'data_offsets of one number',
    st(entry({ data_offsets: [0] }), DATA8),
    'tensor "w"',
    'data_offsets',
  ),
  bad(
    'data_offsets with begin > end',
    st(entry({ data_offsets: [8, 0] }), DATA8),
    'tensor "w"',
    'begin > end',
  ),
  bad(
    'data_offsets past the data',
    st(entry({ shape: [4], data_offsets: [0, 16] }), DATA8),
    'tensor "w"',
    'end past',
  ),
  bad(
    'a span that does not match the shape',
    st(entry({ shape: [3] }), DATA8),
    'tensor "w"',
    'span',
  ),
  bad(
    'negative data_offsets',
    st(entry({ data_offsets: [-8, 0] }), DATA8),
    'tensor "w"',
    'data_offsets',
  ),
  bad(
    'overlapping tensors',
    st(
      JSON.stringify({
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      }),
      DATA8,
    ),
    'overlap',
  ),
  bad('__metadata__ that is an array', st(JSON.stringify({ __metadata__: [1] })), '__metadata__'),
  bad(
    '__metadata__ with a number',
    st(JSON.stringify({ __metadata__: { format: 1 } })),
    '__metadata__.format',
  ),
  {
    name: 'a header over the 100 MB limit (sparse file)',
    files: { [FILE]: { sparse: 8 + 100_000_008, prefix: st('', new Uint8Array(0), 100_000_008n) } },
    run: read,
    expect: { error: [FILE, 'limit'] },
  },
  {
    name: 'the file is a folder',
    files: { [FILE]: { folder: true } },
    run: read,
    expect: { error: [FILE, 'EISDIR'] },
  },
  { name: 'no file', files: {}, run: read, expect: { error: [FILE, 'ENOENT'] } },
];

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const got = (v: unknown) => v as SafetensorsFile;

const goodCases: HostileCase[] = [
  {
    name: 'a header padded with spaces and an empty tensor',
    files: {
      [FILE]: st(
        JSON.stringify({
          e: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] },
          w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        }) + '    ',
        f32([1, 2]),
      ),
    },
    run: read,
    expect: {
      accept: (v) =>
        check(
          decodeFloat32(got(v), 'e').length === 0 && decodeFloat32(got(v), 'w')[1] === 2,
          'read',
        ),
    },
  },
  {
    name: 'F16 and BF16 tensors decode to float32',
    files: {
      [FILE]: st(
        JSON.stringify({
          h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
          b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
        }),
        Buffer.from([0x00, 0x3c, 0x00, 0xc0, 0x80, 0x3f]), // 1, -2 (F16); 1 (BF16)
      ),
    },
    run: read,
    expect: {
      accept: (v) => {
        const h = decodeFloat32(got(v), 'h');
        check(h[0] === 1 && h[1] === -2 && decodeFloat32(got(v), 'b')[0] === 1, `${[...h]}`);
      },
    },
  },
  {
    name: 'an I64 tensor validates (position_ids) but is not read as floats',
    files: {
      [FILE]: st(JSON.stringify({ p: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }), DATA8),
    },
    run: read,
    expect: {
      accept: (v) => {
        let refused = false;
        try {
          decodeFloat32(got(v), 'p');
        } catch (error) {
          refused = /dtype I64/.test((error as Error).message);
        }
        check(refused, 'decodeFloat32 refuses I64 by name');
      },
    },
  },
  ...PROTO_IDS.map((name): HostileCase => ({
    name: `a tensor named "${name}" round-trips`,
    files: {
      [FILE]: encodeSafetensors([
        { name, shape: [2], data: new Float32Array([3, 4]) },
        { name: 'other', shape: [1], data: new Float32Array([5]) },
      ]),
    },
    run: read,
    expect: {
      accept: (v) => {
        check(got(v).header.tensors.size === 2, `${got(v).header.tensors.size} tensors`);
        check(decodeFloat32(got(v), name)[1] === 4, 'values');
      },
    },
  })),
];

describeCases('safetensors', [...badCases, ...goodCases]);
