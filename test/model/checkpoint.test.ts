/**
 * Hugging Face checkpoint folders: load (name/shape checks, extras reported, `bert.` prefix),
 * save → load bit-identical, pruned-then-saved with the right layer count, and bad folders,
 * each refused with an error that names the tensor or field.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  decodeFloat32,
  disposeEncoder,
  disposeTokenBatch,
  encodeSafetensors,
  encoderFingerprint,
  forward,
  loadEncoder,
  parseSafetensors,
  pruneLayers,
  saveEncoder,
  type Encoder,
} from '../../src/model/index.js';
import { fixture, readExpected, tokenBatch } from './helpers.js';
import { useTempDir } from '../temp-dir.js';

const scratch = useTempDir('checkpoint');

const tiny = fixture('tiny');
const inputs = readExpected('tiny').inputs;

function outputs(encoder: Encoder): Float32Array {
  const batch = tokenBatch(inputs['batch']!);
  const h = forward(encoder, batch);
  const values = h.dataSync() as Float32Array;
  h.dispose();
  disposeTokenBatch(batch);
  return values;
}

function tiles(): Array<{ name: string; shape: readonly number[]; data: Float32Array }> {
  const st = parseSafetensors(readFileSync(join(tiny, 'model.safetensors')));
  return [...st.header.tensors.values()].map((e) => ({
    name: e.name,
    shape: e.shape,
    data: decodeFloat32(st, e.name),
  }));
}

/** A copy of the tiny checkpoint whose model.safetensors is `weights` (or raw bytes). */
function variant(weights: Uint8Array | null, config?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(scratch(), 'ckpt-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      ...(JSON.parse(readFileSync(join(tiny, 'config.json'), 'utf8')) as object),
      ...config,
    }),
  );
  copyFileSync(join(tiny, 'vocab.txt'), join(dir, 'vocab.txt'));
  if (weights !== null) writeFileSync(join(dir, 'model.safetensors'), weights);
  return dir;
}

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
});

describe('loadEncoder', () => {
  it('loads the oracle checkpoint, tokenizer included, and reports the unused pooler', async () => {
    const { encoder, tokenizer, report } = await loadEncoder(tiny);
    expect(encoder.config).toEqual({
      vocabSize: 400,
      hiddenSize: 32,
      numHiddenLayers: 4,
      numAttentionHeads: 4,
      intermediateSize: 64,
      maxPositionEmbeddings: 64,
      typeVocabSize: 2,
      layerNormEps: 1e-12,
      initializerRange: 0.02,
    });
    expect(tokenizer.vocab.length).toBe(400);
    expect(report.unexpected).toEqual(['pooler.dense.bias', 'pooler.dense.weight']);
    expect(encoder.weights.size).toBe(5 + 4 * 16);
    // Linear weights are held [in, out]: intermediate.dense is [I=64, H=32] on disk.
    expect(encoder.weights.get('encoder.layer.0.intermediate.dense.weight')!.shape).toEqual([
      32, 64,
    ]);
    disposeEncoder(encoder);
  });

  it('accepts a bert. prefix and old gamma/beta names, and reports MLM-head extras', async () => {
    const renamed = tiles().map((t) => ({
      ...t,
      name: 'bert.' + t.name.replace('embeddings.LayerNorm.weight', 'embeddings.LayerNorm.gamma'),
    }));
    renamed.push({ name: 'cls.predictions.bias', shape: [400], data: new Float32Array(400) });
    const { encoder, report } = await loadEncoder(variant(encodeSafetensors(renamed)));
    expect(report.unexpected).toEqual([
      'bert.pooler.dense.bias',
      'bert.pooler.dense.weight',
      'cls.predictions.bias',
    ]);
    const { encoder: reference } = await loadEncoder(tiny);
    expect(encoderFingerprint(encoder)).toBe(encoderFingerprint(reference));
    disposeEncoder(encoder);
    disposeEncoder(reference);
  });
});

describe('saveEncoder', () => {
  it('save → load gives bit-identical outputs and the same fingerprint', async () => {
    const before = tf.memory().numTensors;
    const { encoder, tokenizer } = await loadEncoder(tiny);
    const dir = join(mkdtempSync(join(scratch(), 'save-')), 'model');
    await saveEncoder(dir, encoder, tokenizer);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      model_type: 'bert',
      architectures: ['BertModel'],
      num_hidden_layers: 4,
      hidden_act: 'gelu',
      layer_norm_eps: 1e-12,
    });
    expect(readFileSync(join(dir, 'vocab.txt'), 'utf8')).toBe(
      readFileSync(join(tiny, 'vocab.txt'), 'utf8'),
    );
    const again = await loadEncoder(dir);
    expect(again.report.unexpected).toEqual([]);
    expect(
      Buffer.from(outputs(again.encoder).buffer).equals(Buffer.from(outputs(encoder).buffer)),
    ).toBe(true);
    expect(encoderFingerprint(again.encoder)).toBe(encoderFingerprint(encoder));
    // The stored tensors are the oracle's, in PyTorch layout ([out, in]).
    const saved = parseSafetensors(readFileSync(join(dir, 'model.safetensors')));
    const original = parseSafetensors(readFileSync(join(tiny, 'model.safetensors')));
    for (const name of saved.header.tensors.keys()) {
      expect(
        Buffer.from(decodeFloat32(saved, name).buffer).equals(
          Buffer.from(decodeFloat32(original, name).buffer),
        ),
      ).toBe(true);
    }
    // Saving again replaces the folder atomically.
    await saveEncoder(dir, again.encoder, again.tokenizer);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    disposeEncoder(encoder);
    disposeEncoder(again.encoder);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a pruned-then-saved encoder loads with num_hidden_layers = kept layers and the same outputs', async () => {
    const { encoder, tokenizer } = await loadEncoder(tiny);
    const pruned = pruneLayers(encoder, [0, 3]);
    const dir = join(mkdtempSync(join(scratch(), 'pruned-')), 'q2');
    await saveEncoder(dir, pruned, tokenizer);
    const loaded = await loadEncoder(dir);
    expect(loaded.encoder.config.numHiddenLayers).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({
      num_hidden_layers: 2,
    });
    expect(
      Buffer.from(outputs(loaded.encoder).buffer).equals(Buffer.from(outputs(pruned).buffer)),
    ).toBe(true);
    // …and its tensors equal the oracle's own pruned checkpoint.
    const ours = parseSafetensors(readFileSync(join(dir, 'model.safetensors')));
    const oracle = parseSafetensors(readFileSync(fixture('tiny_pruned_0_3', 'model.safetensors')));
    for (const name of ours.header.tensors.keys()) {
      expect(Array.from(decodeFloat32(ours, name))).toEqual(
        Array.from(decodeFloat32(oracle, name)),
      );
    }
    for (const e of [encoder, pruned, loaded.encoder]) disposeEncoder(e);
  });

  it('refuses to replace a folder holding other files', async () => {
    const { encoder, tokenizer } = await loadEncoder(tiny);
    const dir = mkdtempSync(join(scratch(), 'busy-'));
    writeFileSync(join(dir, 'results.json'), '{}');
    await expect(saveEncoder(dir, encoder, tokenizer)).rejects.toThrow(
      /holds other files \(results\.json\)/,
    );
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toBe('{}');
    disposeEncoder(encoder);
  });
});

describe('bad checkpoints are refused with a clear error', () => {
  const without = (drop: string) => tiles().filter((t) => t.name !== drop);

  it('missing tensor', async () => {
    await expect(
      loadEncoder(variant(encodeSafetensors(without('encoder.layer.2.output.dense.bias')))),
    ).rejects.toThrow(
      /missing tensor "encoder\.layer\.2\.output\.dense\.bias" \(expected shape \[32\]\)/,
    );
  });

  it('wrong shape', async () => {
    const bad = tiles().map((t) =>
      t.name === 'encoder.layer.1.intermediate.dense.weight' ? { ...t, shape: [32, 64] } : t,
    );
    await expect(loadEncoder(variant(encodeSafetensors(bad)))).rejects.toThrow(
      /tensor "encoder\.layer\.1\.intermediate\.dense\.weight" has shape \[32, 64\], expected \[64, 32\]/,
    );
  });

  it('config that disagrees with the weights (hidden size)', async () => {
    await expect(
      loadEncoder(
        variant(readFileSync(join(tiny, 'model.safetensors')), {
          hidden_size: 48,
          num_attention_heads: 4,
        }),
      ),
    ).rejects.toThrow(
      /tensor "embeddings\.word_embeddings\.weight" has shape \[400, 32\], expected \[400, 48\]/,
    );
  });

  it('more layers in the file than in config.json', async () => {
    await expect(
      loadEncoder(variant(readFileSync(join(tiny, 'model.safetensors')), { num_hidden_layers: 3 })),
    ).rejects.toThrow(
      /tensor "encoder\.layer\.3\.[a-zA-Z.]+" belongs to layer 3, but config\.json has num_hidden_layers 3/,
    );
  });

  it('truncated file', async () => {
    const bytes = readFileSync(join(tiny, 'model.safetensors'));
    await expect(loadEncoder(variant(bytes.subarray(0, bytes.length - 1000)))).rejects.toThrow(
      /model\.safetensors: tensor "pooler\.dense\.weight": data_offsets \[\d+, \d+\] end past/,
    );
  });

  it('header length larger than the file', async () => {
    const bytes = Buffer.from(readFileSync(join(tiny, 'model.safetensors')));
    bytes.writeBigUInt64LE(BigInt(bytes.length * 4), 0);
    await expect(loadEncoder(variant(bytes))).rejects.toThrow(
      /header length \d+ bytes exceeds the \d+ bytes after the length field/,
    );
  });

  it('unknown dtype', async () => {
    const bytes = Buffer.from(readFileSync(join(tiny, 'model.safetensors')));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = bytes.subarray(8, 8 + n).toString('utf8');
    const target = '"embeddings.LayerNorm.bias":{"dtype":"F32"';
    expect(header).toContain(target);
    bytes.write(header.replace(target, target.replace('F32', 'Q32')), 8, 'utf8');
    await expect(loadEncoder(variant(bytes))).rejects.toThrow(
      /tensor "embeddings\.LayerNorm\.bias": unknown dtype "Q32"/,
    );
  });

  it('pytorch_model.bin only', async () => {
    const dir = variant(null);
    writeFileSync(join(dir, 'pytorch_model.bin'), 'PK\x03\x04 pickled');
    await expect(loadEncoder(dir)).rejects.toThrow(
      /has pytorch_model\.bin but no model\.safetensors\. kalelab never reads pickled PyTorch files/,
    );
  });

  it('no config.json, and an unsupported activation', async () => {
    const empty = mkdtempSync(join(scratch(), 'empty-'));
    await expect(loadEncoder(empty)).rejects.toThrow(
      /config\.json: cannot read the model config \(ENOENT\)/,
    );
    const tanh = variant(readFileSync(join(tiny, 'model.safetensors')), { hidden_act: 'gelu_new' });
    await expect(loadEncoder(tanh)).rejects.toThrow(
      /config\.json: hidden_act is "gelu_new"; only "gelu"/,
    );
  });

  it('sharded checkpoints load through model.safetensors.index.json', async () => {
    const all = tiles();
    const dir = variant(null);
    const half = Math.floor(all.length / 2);
    const shards = [all.slice(0, half), all.slice(half)];
    const map: Record<string, string> = {};
    shards.forEach((s, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      writeFileSync(join(dir, file), encodeSafetensors(s));
      for (const t of s) map[t.name] = file;
    });
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: map }),
    );
    mkdirSync(join(dir, 'unused'));
    const { encoder } = await loadEncoder(dir);
    const { encoder: reference } = await loadEncoder(tiny);
    expect(encoderFingerprint(encoder)).toBe(encoderFingerprint(reference));
    disposeEncoder(encoder);
    disposeEncoder(reference);
  });
});
