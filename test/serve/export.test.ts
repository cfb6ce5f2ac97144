/**
 * exportOnnx's folder loaded by transformers.js (@huggingface/transformers, local files only)
 * as a feature-extraction pipeline: its tokens equal kalelab's tokenizer and its pooled,
 * normalised vectors equal kalelab's embedTexts within 1e-4; the int8 file stays close; bad
 * input (an occupied folder, no tokenizer, unknown options) is refused and loses nothing.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env, pipeline } from '@huggingface/transformers';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { disposeEncoder, embedTexts, loadEncoder, type Encoder } from '../../src/model/index.js';
import { exportOnnx } from '../../src/serve/index.js';
import type { WordPieceTokenizer } from '../../src/text/index.js';
import { fixture } from '../model/helpers.js';
import { useTempDir } from '../temp-dir.js';

const TEXTS = [
  'What is the capital of France?',
  'Café au lait, naïve façade — and 42 quick brown foxes!',
  'a',
  'the dog the cat and the end of the line, repeated: the dog the cat and the end',
  '東京 is a city 日本',
];

const tmp = useTempDir('serve-export');
let encoder: Encoder;
let tokenizer: WordPieceTokenizer;

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
  ({ encoder, tokenizer } = await loadEncoder(fixture('small')));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
});
afterAll(() => disposeEncoder(encoder));

async function loadPipeline(dir: string, dtype: 'fp32' | 'q8') {
  env.localModelPath = dirname(dir) + '/';
  return pipeline('feature-extraction', basename(dir), { dtype, local_files_only: true });
}

describe('exportOnnx → transformers.js', () => {
  for (const [pooling, normalize] of [
    ['cls', false],
    ['mean', true],
  ] as const) {
    it(`${pooling} pooling${normalize ? ', normalised' : ''}: tokens and vectors equal kalelab's`, async () => {
      const dir = join(tmp(), `${pooling}-${normalize}`);
      const report = await exportOnnx(encoder, tokenizer, dir, {
        pooling,
        normalize,
        quantize: 'int8',
      });
      expect(report.files).toContain('onnx/model.onnx');
      expect(report.files).toContain('onnx/model_quantized.onnx');
      expect((await readdir(dir)).sort()).toEqual([
        '1_Pooling',
        'config.json',
        'modules.json',
        'onnx',
        'sentence_bert_config.json',
        'special_tokens_map.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'vocab.txt',
      ]);

      env.localModelPath = dirname(dir) + '/';
      const hfTokenizer = await AutoTokenizer.from_pretrained(basename(dir), {
        local_files_only: true,
      });
      for (const text of TEXTS) {
        const ours = tokenizer.encode(text).inputIds;
        const theirs = (hfTokenizer(text) as { input_ids: { data: BigInt64Array } }).input_ids.data;
        expect(Array.from(theirs, Number), text).toEqual(ours);
      }

      const want = embedTexts(encoder, tokenizer, TEXTS, { pooling, normalize });
      const H = encoder.config.hiddenSize;
      const extractor = await loadPipeline(dir, 'fp32');
      const got = (await extractor(TEXTS, { pooling, normalize })).data as Float32Array;
      await extractor.dispose();
      expect(got.length).toBe(TEXTS.length * H);
      let maxAbs = 0;
      for (let i = 0; i < got.length; i++) maxAbs = Math.max(maxAbs, Math.abs(got[i]! - want[i]!));
      expect(maxAbs).toBeLessThan(1e-4);

      // int8: every vector keeps its direction (cosine to fp32 ≥ 0.99).
      const quantized = await loadPipeline(dir, 'q8');
      const q = (await quantized(TEXTS, { pooling, normalize: true })).data as Float32Array;
      await quantized.dispose();
      const unit = embedTexts(encoder, tokenizer, TEXTS, { pooling, normalize: true });
      for (let r = 0; r < TEXTS.length; r++) {
        let dot = 0;
        for (let d = 0; d < H; d++) dot += q[r * H + d]! * unit[r * H + d]!;
        expect(dot, TEXTS[r]).toBeGreaterThan(0.99);
      }
    });
  }

  it('records pooling in config.json and sentence-transformers module files', async () => {
    const dir = join(tmp(), 'meta');
    await exportOnnx(encoder, tokenizer, dir, { pooling: 'mean', normalize: true });
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config['model_type']).toBe('bert');
    expect(config['kalelab']).toEqual({ pooling: 'mean', normalize: true });
    const pooling = JSON.parse(
      await readFile(join(dir, '1_Pooling/config.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(pooling['pooling_mode_mean_tokens']).toBe(true);
    expect(pooling['word_embedding_dimension']).toBe(encoder.config.hiddenSize);
    const modules = JSON.parse(await readFile(join(dir, 'modules.json'), 'utf8')) as {
      type: string;
    }[];
    expect(modules.map((m) => m.type.split('.').pop())).toEqual([
      'Transformer',
      'Pooling',
      'Normalize',
    ]);
  });
});

describe('exportOnnx refuses bad input', () => {
  it('an output folder holding other files: error, files kept', async () => {
    const dir = join(tmp(), 'occupied');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    await expect(exportOnnx(encoder, tokenizer, dir)).rejects.toThrow(
      /occupied: the output folder already holds other files \(notes\.txt\)/,
    );
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('replaces a previous export', async () => {
    const dir = join(tmp(), 'again');
    await exportOnnx(encoder, tokenizer, dir, { quantize: 'int8' });
    await exportOnnx(encoder, tokenizer, dir);
    expect(await readdir(join(dir, 'onnx'))).toEqual(['model.onnx']);
  });

  it('a model ONNX cannot hold as exported (a non-float32 weight): clear error, nothing written', async () => {
    const weights = new Map(encoder.weights);
    const name = 'encoder.layer.0.attention.self.query.bias';
    const bad = tf.variable(tf.zeros([encoder.config.hiddenSize], 'int32'));
    weights.set(name, bad);
    const dir = join(tmp(), 'int-weights');
    await expect(exportOnnx({ config: encoder.config, weights }, tokenizer, dir)).rejects.toThrow(
      /weight "encoder\.layer\.0\.attention\.self\.query\.bias" is int32; only float32 weights export/,
    );
    bad.dispose();
    expect(await readdir(tmp())).not.toContain('int-weights');
  });

  it('no tokenizer, unknown pooling or quantization, bad opset: clear errors, nothing written', async () => {
    const dir = join(tmp(), 'never');
    await expect(exportOnnx(encoder, undefined, dir)).rejects.toThrow(
      /no tokenizer.*vocab\.txt or tokenizer\.json/,
    );
    await expect(exportOnnx(encoder, tokenizer, dir, { pooling: 'max' as 'cls' })).rejects.toThrow(
      /unknown pooling "max"; allowed: cls, mean/,
    );
    await expect(
      exportOnnx(encoder, tokenizer, dir, { quantize: 'int4' as 'int8' }),
    ).rejects.toThrow(/unknown quantization "int4"; allowed: int8/);
    await expect(exportOnnx(encoder, tokenizer, dir, { opset: 11 })).rejects.toThrow(
      /opset must be an integer in 17…21/,
    );
    expect(await readdir(tmp())).not.toContain('never');
    expect((await readdir(tmp())).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
