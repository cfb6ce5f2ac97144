import { describe, expect, it } from 'vitest';
import {
  BERT_BASE,
  CONFIG_LIMITS,
  configFromHf,
  configToHf,
  parameterCount,
  validateConfig,
} from '../../src/model/config.js';

describe('parameterCount', () => {
  it("gives bert-base-uncased's 108,891,648 encoder weights (109,482,240 with the pooler, as HF reports)", () => {
    expect(parameterCount(BERT_BASE)).toBe(108_891_648);
    expect(parameterCount(BERT_BASE) + 768 * 768 + 768).toBe(109_482_240);
  });
});

describe('config bounds', () => {
  const hf = configToHf(BERT_BASE);

  it.each([
    ['num_hidden_layers', 1e6],
    ['num_hidden_layers', 1e9],
    ['hidden_size', 1 << 20],
    ['vocab_size', 1e12],
    ['intermediate_size', 2 ** 40],
    ['max_position_embeddings', 1e7],
    ['type_vocab_size', 1e6],
  ])('refuses %s = %d before anything is allocated, naming file and field', (field, value) => {
    expect(() => configFromHf({ ...hf, [field]: value }, 'm/config.json')).toThrow(
      new RegExp(
        `^m/config\\.json: field "${field}" must be an integer in \\d+\\.\\.\\d+, got ${value}`,
      ),
    );
  });

  it('accepts the limits themselves and bert-large', () => {
    expect(
      configFromHf({ ...hf, num_hidden_layers: CONFIG_LIMITS.numHiddenLayers[1] }).numHiddenLayers,
    ).toBe(1024);
    const large = configFromHf({
      ...hf,
      hidden_size: 1024,
      num_hidden_layers: 24,
      num_attention_heads: 16,
      intermediate_size: 4096,
    });
    expect(parameterCount(large)).toBe(334_092_288);
  });

  it('validateConfig applies the same limits to configs built in code', () => {
    expect(() => validateConfig({ ...BERT_BASE, numHiddenLayers: 2000 })).toThrow(
      /numHiddenLayers must be an integer in 0\.\.1024, got 2000/,
    );
  });
});
