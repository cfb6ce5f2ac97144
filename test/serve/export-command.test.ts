/**
 * `kalelab export` end to end (in process): the folder it writes runs on ONNX Runtime and
 * gives the oracle's CLS vectors; bad options and an occupied folder fail with one clear
 * line and leave the folder as it was.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { OrtEncoderSession } from '../../src/serve/index.js';
import type { EncodedBatch } from '../../src/text/index.js';
import { fixture, maxViolation, readExpected } from '../model/helpers.js';
import { useTempDir } from '../temp-dir.js';

const tmp = useTempDir('export-command');

async function run(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((s) => (err.push(String(s)), true));
  const o = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s) => (out.push(String(s)), true));
  process.exitCode = 0;
  try {
    await main(['node', 'kalelab', ...args]);
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stderr: err.join(''), stdout: out.join('') };
}

afterEach(() => {
  process.exitCode = 0;
});

describe('kalelab export', () => {
  it('writes a folder whose model gives the oracle CLS vectors on ONNX Runtime', async () => {
    const out = join(tmp(), 'tiny-onnx');
    const r = await run(['export', '--model', fixture('tiny'), '--out', out, '--quantize', 'int8']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote 10 files/);
    expect((await readdir(join(out, 'onnx'))).sort()).toEqual([
      'model.onnx',
      'model_quantized.onnx',
    ]);
    const expected = readExpected('tiny');
    const input = expected.inputs['batch']!;
    const batch: EncodedBatch = {
      inputIds: Int32Array.from(input.input_ids.flat()),
      attentionMask: Int32Array.from(input.attention_mask.flat()),
      tokenTypeIds: Int32Array.from(input.token_type_ids.flat()),
      batchSize: input.input_ids.length,
      seqLen: input.input_ids[0]!.length,
      lengths: [],
    };
    const session = await OrtEncoderSession.create(join(out, 'onnx', 'model.onnx'));
    const got = (await session.run(batch)).sentenceEmbedding;
    await session.dispose();
    expect(maxViolation(got, expected.full['batch']!.cls.flat()).worst).toBeLessThanOrEqual(1);
  });

  it('refuses bad options and an occupied folder with one clear line', async () => {
    const occupied = join(tmp(), 'occupied');
    await mkdir(occupied);
    await writeFile(join(occupied, 'model.safetensors'), 'x');
    const cases: Array<[string[], RegExp]> = [
      [['--pooling', 'max'], /--pooling: unknown pooling "max"; allowed: cls, mean/],
      [['--quantize', 'int4'], /--quantize: unknown quantization "int4"; allowed: int8/],
      [['--opset', '13'], /--opset: expected an integer in 17…21, got "13"/],
    ];
    for (const [extra, message] of cases) {
      const r = await run([
        'export',
        '--model',
        fixture('tiny'),
        '--out',
        join(tmp(), 'x'),
        ...extra,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    const r = await run(['export', '--model', fixture('tiny'), '--out', occupied]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already holds other files \(model\.safetensors\)/);
    expect(await readdir(occupied)).toEqual(['model.safetensors']);
    const missing = await run([
      'export',
      '--model',
      join(tmp(), 'nowhere'),
      '--out',
      join(tmp(), 'y'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nowhere.*config\.json/);
    expect(await readdir(tmp())).toEqual(['occupied', 'tiny-onnx']);
  });
});
