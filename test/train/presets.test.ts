import { describe, expect, it } from 'vitest';
import {
  TRAIN_PRESETS,
  TRAIN_PRESET_NAMES,
  presetConfig,
  presetVocab,
  resolveTrainOptions,
  trainPreset,
  trainingTexts,
} from '../../src/train/index.js';
import { tinyDataset } from './tiny-setup.js';

describe('training presets', () => {
  it('have valid options and shapes', () => {
    for (const name of TRAIN_PRESET_NAMES) {
      const p = trainPreset(name);
      expect(p.name).toBe(name);
      expect(() => resolveTrainOptions(p.train)).not.toThrow();
      expect(p.queryLayers).toBeLessThanOrEqual(p.model.numHiddenLayers);
      expect(p.model.hiddenSize % p.model.numAttentionHeads).toBe(0);
      expect(p.train.pMaxLen!).toBeLessThanOrEqual(p.model.maxPositionEmbeddings);
    }
    expect(presetConfig(TRAIN_PRESETS.quick, 1000).vocabSize).toBe(1000);
    expect(TRAIN_PRESETS['bert-base'].model.hiddenSize).toBe(768);
    expect(TRAIN_PRESETS['bert-base'].train).toMatchObject({
      qMaxLen: 32,
      pMaxLen: 156,
      lr: 1e-5,
      nHard: 1,
      pooling: 'cls',
    });
    expect(() => trainPreset('huge')).toThrow(/huge.*quick, full, bert-base/);
  });

  it('build the vocabulary from documents and training queries only', () => {
    const ds = tinyDataset();
    const texts = trainingTexts(ds);
    expect(texts).toHaveLength(48 + 48);
    const vocab = presetVocab(TRAIN_PRESETS.quick, ds);
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocab).toContain(ds.corpus['d0']!.text.split(' ')[0]);
    expect(() => presetVocab(TRAIN_PRESETS['bert-base'], ds)).toThrow(/pretrained/);
  });
});
