/**
 * Config mapping and validation, seeded BERT initialisation, the FLOP count, and gradients:
 * every trainable variable gets a finite, non-zero gradient, and a training step in tf.tidy
 * leaves tf.memory().numTensors unchanged, on cpu and wasm.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  BERT_BASE,
  configFromHf,
  configToHf,
  createEncoder,
  scaleResidualOutputs,
  disposeEncoder,
  embed,
  encoderFingerprint,
  encoderFlops,
  forward,
  cloneEncoder,
  trainableVariables,
  validateConfig,
  type BertConfig,
  type TokenBatch,
} from '../../src/model/index.js';

const config: BertConfig = {
  vocabSize: 60,
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  intermediateSize: 32,
  maxPositionEmbeddings: 16,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
};

describe('config', () => {
  it('maps Hugging Face config.json both ways', () => {
    const hf = configToHf(config);
    expect(hf).toMatchObject({
      model_type: 'bert',
      hidden_size: 16,
      num_attention_heads: 4,
      intermediate_size: 32,
    });
    expect(configFromHf(hf)).toEqual(config);
    expect(
      configFromHf({
        vocab_size: 10,
        hidden_size: 8,
        num_hidden_layers: 1,
        num_attention_heads: 2,
        intermediate_size: 4,
      }),
    ).toMatchObject({
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      layerNormEps: 1e-12,
    });
  });

  it('rejects bad configs, naming the field and value', () => {
    expect(() => validateConfig({ ...config, numAttentionHeads: 3 })).toThrow(
      /hiddenSize 16 is not divisible by numAttentionHeads 3/,
    );
    expect(() => validateConfig({ ...config, vocabSize: 0 })).toThrow(
      /vocabSize must be an integer in 1\.\.4194304, got 0/,
    );
    expect(() => configFromHf({ model_type: 'roberta' }, 'x/config.json')).toThrow(
      /x\/config\.json: model_type is "roberta"/,
    );
    expect(() => configFromHf({ ...configToHf(config), hidden_size: '16' })).toThrow(
      /field "hidden_size" must be a number, got "16"/,
    );
    expect(() =>
      configFromHf({ ...configToHf(config), position_embedding_type: 'relative_key' }),
    ).toThrow(/position_embedding_type/);
  });

  it('counts FLOPs analytically (BERT-base, batch 1, 32 tokens ≈ 5.5 GFLOP)', () => {
    // per layer: 2·32·768²·4 + 2·32²·768·2 + 2·32·768·3072·2 = 456,130,560
    expect(encoderFlops(BERT_BASE, 1, 32)).toBe(12 * 456_130_560);
    expect(encoderFlops({ ...BERT_BASE, numHiddenLayers: 3 }, 32, 32)).toBe(3 * 32 * 456_130_560);
  });
});

describe('createEncoder', () => {
  it('is seeded and follows BERT init: N(0, 0.02), LayerNorm 1/0, biases 0, [PAD] row 0', async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const a = createEncoder(config, 11);
    const b = createEncoder(config, 11);
    const c = createEncoder(config, 12);
    expect(encoderFingerprint(a)).toBe(encoderFingerprint(b));
    expect(encoderFingerprint(a)).not.toBe(encoderFingerprint(c));
    const word = a.weights.get('embeddings.word_embeddings.weight')!.dataSync();
    expect(Array.from(word.subarray(0, 16)).every((x) => x === 0)).toBe(true);
    const big = createEncoder({ ...config, hiddenSize: 64, intermediateSize: 256 }, 3);
    const w = big.weights.get('encoder.layer.0.intermediate.dense.weight')!;
    expect(w.shape).toEqual([64, 256]); // [in, out]
    const values = Array.from(w.dataSync());
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeGreaterThan(0.0195);
    expect(std).toBeLessThan(0.0205);
    expect(
      big.weights
        .get('encoder.layer.1.output.LayerNorm.weight')!
        .dataSync()
        .every((x) => x === 1),
    ).toBe(true);
    expect(
      big.weights
        .get('encoder.layer.1.output.LayerNorm.bias')!
        .dataSync()
        .every((x) => x === 0),
    ).toBe(true);
    expect(
      big.weights
        .get('encoder.layer.1.attention.self.key.bias')!
        .dataSync()
        .every((x) => x === 0),
    ).toBe(true);
    // Per-tensor streams: layer 0 does not depend on the depth.
    const deep = createEncoder({ ...config, numHiddenLayers: 5 }, 11);
    expect(
      Array.from(deep.weights.get('encoder.layer.1.attention.self.value.weight')!.dataSync()),
    ).toEqual(Array.from(a.weights.get('encoder.layer.1.attention.self.value.weight')!.dataSync()));
    for (const e of [a, b, c, big, deep]) disposeEncoder(e);
  });
});

function batch(): TokenBatch {
  return {
    inputIds: tf.tensor2d(
      [
        [2, 10, 11, 12, 3],
        [2, 40, 3, 0, 0],
      ],
      undefined,
      'int32',
    ),
    attentionMask: tf.tensor2d(
      [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0],
      ],
      undefined,
      'int32',
    ),
    tokenTypeIds: tf.tensor2d(
      [
        [0, 0, 0, 1, 1],
        [0, 0, 0, 0, 0],
      ],
      undefined,
      'int32',
    ),
  };
}

describe('scaleResidualOutputs', () => {
  it("scales exactly the layers' attention-output and FFN-output weights by 1/√(2·depth)", async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const plain = createEncoder(config, 5);
    const scaled = createEncoder(config, 5);
    scaleResidualOutputs(scaled, 8); // factor 1/4
    for (const [name, v] of plain.weights) {
      const a = v.dataSync();
      const b = scaled.weights.get(name)!.dataSync();
      const residual = /^encoder\.layer\.\d+\.(attention\.output|output)\.dense\.weight$/.test(
        name,
      );
      for (let i = 0; i < a.length; i++)
        expect(b[i]).toBe(residual ? Math.fround(a[i]! * 0.25) : a[i]);
    }
    expect(() => scaleResidualOutputs(scaled, 0)).toThrow(
      /depth must be a positive integer, got 0/,
    );
    disposeEncoder(plain);
    disposeEncoder(scaled);
  });
});

describe.each(['cpu', 'wasm'] as const)('gradients on %s', (backend) => {
  it('reach every trainable variable (finite, non-zero); a tidy step leaks no tensors', async () => {
    await initBackend({ prefer: backend, announce: false });
    const encoder = createEncoder({ ...config, initializerRange: 0.2 }, 5);
    // Non-zero biases and LayerNorm β so that every gradient path is exercised.
    for (const [name, v] of encoder.weights)
      if (name.endsWith('.bias')) v.assign(tf.randomNormal(v.shape, 0, 0.1, 'float32', 1));
    const b = batch();
    const vars = trainableVariables(encoder);
    expect(vars.length).toBe(5 + 2 * 16);
    const target = tf.randomNormal([2, 16], 0, 1, 'float32', 2);
    const loss = (): tf.Scalar =>
      tf.add(
        tf.mean(tf.square(tf.sub(embed(encoder, b, 'cls'), target))),
        tf.mean(tf.square(embed(encoder, b, 'mean'))),
      ) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, vars);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const names = [...encoder.weights.entries()].filter(([, v]) => v.trainable).map(([n]) => n);
    for (const name of names) {
      const v = encoder.weights.get(name)!;
      const g = grads[v.name]!;
      expect(g.shape, name).toEqual(v.shape);
      const norm = tf.tidy(() => tf.norm(g).dataSync()[0]!);
      expect(Number.isFinite(norm), name).toBe(true);
      expect(norm, name).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads)]);

    const optimizer = tf.train.adam(1e-3);
    const step = (): number => {
      const cost = optimizer.minimize(loss, true, vars)!;
      const v = cost.dataSync()[0]!;
      cost.dispose();
      return v;
    };
    const first = step(); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 3; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first);

    // A frozen clone (KALE's teacher) has no trainable variables and the same outputs.
    const teacher = cloneEncoder(encoder, { trainable: false });
    expect(trainableVariables(teacher)).toEqual([]);
    const [h1, h2] = [forward(encoder, b), forward(teacher, b)];
    expect(Array.from(h1.dataSync())).toEqual(Array.from(h2.dataSync()));
    tf.dispose([h1, h2, target, b.inputIds, b.attentionMask, b.tokenTypeIds!]);
    optimizer.dispose();
    disposeEncoder(teacher);
    disposeEncoder(encoder);
  });
});
