import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { createEncoder, disposeEncoder } from '../../src/model/index.js';
import {
  createDualEncoder,
  disposeDualEncoder,
  dualEncoderFromEncoder,
  dualParameters,
  loadDualEncoder,
  saveDualEncoder,
} from '../../src/train/index.js';
import { tinyConfig, tinyDataset, tinyTokenizer } from './tiny-setup.js';
import { useTempDir } from '../temp-dir.js';

const tokenizer = tinyTokenizer(tinyDataset());
const config = { ...tinyConfig(tokenizer.vocab.length), numHiddenLayers: 4 };
const scratch = useTempDir('dual');

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
});

const values = (v: tf.Variable | undefined): number[] => Array.from(v!.dataSync());

describe('DualEncoder', () => {
  it('creates symmetric, asymmetric and tied encoders with independent depths', () => {
    const before = tf.memory().numTensors;
    const asym = createDualEncoder({ config, queryLayers: 1, passageLayers: 4, seed: 7 });
    expect(asym.tied).toBe(false);
    expect(asym.query.config.numHiddenLayers).toBe(1);
    expect(asym.passage.config.numHiddenLayers).toBe(4);
    // Same seed: shared tensors start equal (as DPR starts both sides from one BERT)…
    const name = 'encoder.layer.0.attention.self.query.weight';
    expect(values(asym.query.weights.get(name))).toEqual(values(asym.passage.weights.get(name)));
    // …but are different variables (untied).
    expect(asym.query.weights.get(name)).not.toBe(asym.passage.weights.get(name));
    const params = dualParameters(asym);
    expect(params.filter((p) => p.name.startsWith('query/encoder.layer.')).length).toBe(16);
    expect(params.filter((p) => p.name.startsWith('passage/encoder.layer.')).length).toBe(64);
    expect(new Set(params.map((p) => p.name)).size).toBe(params.length);

    const tied = createDualEncoder({ config, tied: true });
    expect(tied.query).toBe(tied.passage);
    expect(dualParameters(tied).every((p) => p.name.startsWith('query/'))).toBe(true);
    expect(() => createDualEncoder({ config, queryLayers: 2, tied: true })).toThrow(
      /equal depths.*2.*4/,
    );
    expect(() => createDualEncoder({ config, queryLayers: 0 })).toThrow(/queryLayers.*0/);
    disposeDualEncoder(asym);
    disposeDualEncoder(tied);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('initialises a shallow query encoder from a layer map of a given encoder (pre-training compression)', () => {
    const source = createEncoder(config, 9);
    const before = tf.memory().numTensors;
    const dual = dualEncoderFromEncoder(source, { queryLayers: 2 }); // spread: layers [0, 3]
    expect(dual.query.config.numHiddenLayers).toBe(2);
    expect(dual.passage.config.numHiddenLayers).toBe(4);
    const w = (l: number): string => `encoder.layer.${l}.output.dense.weight`;
    expect(values(dual.query.weights.get(w(0)))).toEqual(values(source.weights.get(w(0))));
    expect(values(dual.query.weights.get(w(1)))).toEqual(values(source.weights.get(w(3))));
    expect(values(dual.passage.weights.get(w(2)))).toEqual(values(source.weights.get(w(2))));
    const first = dualEncoderFromEncoder(source, { queryLayers: 2, strategy: 'last' });
    expect(values(first.query.weights.get(w(0)))).toEqual(values(source.weights.get(w(2))));
    // Training the dual never changes the source.
    const original = values(source.weights.get(w(0)));
    tf.tidy(() =>
      dual.query.weights.get(w(0))!.assign(tf.zerosLike(dual.query.weights.get(w(0))!)),
    );
    expect(values(source.weights.get(w(0)))).toEqual(original);
    expect(() => dualEncoderFromEncoder(source, { queryLayers: 5 })).toThrow(/exceeds.*4/);
    disposeDualEncoder(dual);
    disposeDualEncoder(first);
    expect(tf.memory().numTensors).toBe(before);
    disposeEncoder(source);
  });

  it('shares embedding tables between untied encoders, across save and load', async () => {
    const before = tf.memory().numTensors;
    const dual = createDualEncoder({ config, queryLayers: 2, sharedEmbeddings: true, seed: 4 });
    const emb = 'embeddings.word_embeddings.weight';
    const layer = 'encoder.layer.0.output.dense.weight';
    expect(dual.sharedEmbeddings).toBe(true);
    expect(dual.query.weights.get(emb)).toBe(dual.passage.weights.get(emb));
    expect(dual.query.weights.get(layer)).not.toBe(dual.passage.weights.get(layer));
    const names = dualParameters(dual).map((p) => p.name);
    expect(names).toContain(`query/${emb}`);
    expect(names).not.toContain(`passage/${emb}`);
    expect(names).toContain(`passage/${layer}`);
    const dir = join(scratch(), 'shared');
    await saveDualEncoder(dir, dual, tokenizer);
    const { dual: back } = await loadDualEncoder(dir);
    expect(back.query.weights.get(emb)).toBe(back.passage.weights.get(emb));
    expect(values(back.query.weights.get(emb))).toEqual(values(dual.passage.weights.get(emb)));
    disposeDualEncoder(back);
    disposeDualEncoder(dual);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves both encoders as Hugging Face folders and loads them back exactly', async () => {
    const dual = createDualEncoder({ config, queryLayers: 2, seed: 1 });
    const dir = join(scratch(), 'model');
    await saveDualEncoder(dir, dual, tokenizer);
    const meta = JSON.parse(await readFile(join(dir, 'dual.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(meta).toMatchObject({ tied: false, queryLayers: 2, passageLayers: 4 });
    const hf = JSON.parse(await readFile(join(dir, 'query', 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(hf['num_hidden_layers']).toBe(2);
    const { dual: back, tokenizer: tok } = await loadDualEncoder(dir);
    expect(tok.vocab).toEqual(tokenizer.vocab);
    const a = dualParameters(dual);
    const b = new Map(dualParameters(back).map((p) => [p.name, p.variable]));
    for (const p of a) expect(values(b.get(p.name)), p.name).toEqual(values(p.variable));
    await expect(loadDualEncoder(join(scratch(), 'nope'))).rejects.toThrow(/dual\.json/);
    disposeDualEncoder(dual);
    disposeDualEncoder(back);
  });
});
