import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../src/model/index.js';
import {
  OPTIMIZER_FILE,
  readOptimizerFile,
  writeOptimizerFile,
  type AdamWState,
} from '../../src/train/index.js';
import { useTempDir, withTempDir } from '../temp-dir.js';

const STATE: AdamWState = {
  step: 7,
  moments: new Map([
    [
      'encoder.layer.0.output.dense.weight',
      {
        m: Float32Array.from([1, -2, 3, 4.5, 0, 6]),
        v: Float32Array.from([0.25, 1, 2, 3, 4, 5]),
        shape: [2, 3],
      },
    ],
    [
      'embeddings.LayerNorm.bias',
      { m: Float32Array.from([0.5, -0.5]), v: Float32Array.from([1e-8, 2]), shape: [2] },
    ],
  ]),
};

describe('writeOptimizerFile / readOptimizerFile', () => {
  const root = useTempDir('optimizer-file');

  it('writes safetensors with both moments per parameter and the step, and reads them back', async () => {
    const dir = join(root(), 'a');
    await writeOptimizerFile(dir, STATE);
    // The file read by hand: 8-byte LE header length, JSON header, then LE float32 data.
    const bytes = await readFile(join(dir, OPTIMIZER_FILE));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
      string,
      { dtype: string; shape: number[]; data_offsets: [number, number] }
    >;
    expect(header['__metadata__']).toEqual({ format: 'kalelab-adamw', version: '2', step: '7' });
    const v = header['adamw.v/encoder.layer.0.output.dense.weight']!;
    expect(v.dtype).toBe('F32');
    expect(v.shape).toEqual([2, 3]);
    const first = bytes.readFloatLE(8 + n + v.data_offsets[0]);
    expect(first).toBe(0.25);
    expect(Object.keys(header).sort()).toEqual([
      '__metadata__',
      'adamw.m/embeddings.LayerNorm.bias',
      'adamw.m/encoder.layer.0.output.dense.weight',
      'adamw.v/embeddings.LayerNorm.bias',
      'adamw.v/encoder.layer.0.output.dense.weight',
    ]);

    const back = await readOptimizerFile(dir, [...STATE.moments.keys()]);
    expect(back.step).toBe(7);
    expect([...back.moments.keys()].sort()).toEqual([...STATE.moments.keys()].sort());
    for (const [name, want] of STATE.moments) {
      const got = back.moments.get(name)!;
      expect([...got.m]).toEqual([...want.m]);
      expect([...got.v]).toEqual([...want.v]);
      expect(got.shape).toEqual(want.shape);
    }
  });

  it('names the parameters that are missing or not trained', async () => {
    const dir = join(root(), 'b');
    await writeOptimizerFile(dir, STATE);
    await expect(
      readOptimizerFile(dir, ['embeddings.LayerNorm.bias', 'pooler.dense.bias']),
    ).rejects.toThrow(
      `${join(dir, OPTIMIZER_FILE)}: moments do not match the parameters being trained; missing: pooler.dense.bias; not trained: encoder.layer.0.output.dense.weight`,
    );
  });

  it('refuses a file with a lone moment, another format, or a bad step', async () => {
    await withTempDir('optimizer-bad', async (dir) => {
      const file = join(dir, OPTIMIZER_FILE);
      const meta = { format: 'kalelab-adamw', version: '2', step: '3' };
      const m = { name: 'adamw.m/w', shape: [2], data: Float32Array.from([1, 2]) };
      await writeFile(file, encodeSafetensors([m], meta));
      await expect(readOptimizerFile(dir)).rejects.toThrow(
        `${file}: tensor "adamw.v/w" is missing, "adamw.m/w" has [2]`,
      );
      const v = { name: 'adamw.v/w', shape: [1, 2], data: Float32Array.from([1, 2]) };
      await writeFile(file, encodeSafetensors([m, v], meta));
      await expect(readOptimizerFile(dir)).rejects.toThrow(
        `${file}: tensor "adamw.v/w" has shape [1, 2], "adamw.m/w" has [2]`,
      );
      await writeFile(
        file,
        encodeSafetensors([{ ...v, name: 'adamw.v/x' }, m, { ...v, shape: [2] }], meta),
      );
      await expect(readOptimizerFile(dir)).rejects.toThrow(
        `${file}: tensor "adamw.v/x" has no first moment "adamw.m/x"`,
      );
      await writeFile(file, encodeSafetensors([m], { format: 'pt' }));
      await expect(readOptimizerFile(dir)).rejects.toThrow(
        `${file}: metadata "format"/"version" is pt/undefined, expected kalelab-adamw/2`,
      );
      await writeFile(file, encodeSafetensors([], { ...meta, step: '-1' }));
      await expect(readOptimizerFile(dir)).rejects.toThrow(
        `${file}: metadata "step" must be an integer ≥ 0, got "-1"`,
      );
      await writeFile(file, encodeSafetensors([], { ...meta, step: '' }));
      await expect(readOptimizerFile(dir)).rejects.toThrow(
        `${file}: metadata "step" must be an integer ≥ 0, got ""`,
      );
    });
  });

  it('says that a folder in the old optimizer.json + .bin format must be started over', async () => {
    await withTempDir('optimizer-old', async (dir) => {
      await writeFile(join(dir, 'optimizer.json'), '{"format":"kalelab-adamw","version":1}');
      await writeFile(join(dir, 'optimizer.bin'), new Uint8Array(8));
      await expect(readOptimizerFile(dir)).rejects.toThrow(
        `${join(dir, 'optimizer.json')}: optimiser state in the format of an older kalelab (optimizer.json + optimizer.bin); this kalelab reads optimizer.safetensors. Remove ${dir} to start the run over`,
      );
    });
  });
});
