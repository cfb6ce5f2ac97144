import { describe, expect, it } from 'vitest';
import { GRID_PRESETS, gridOptions, gridThreads } from '../../src/experiment/index.js';
import {
  MODEL_SHAPES,
  TRAIN_PRESETS,
  TRAIN_SCHEDULES,
  widthScaledInit,
} from '../../src/train/index.js';

describe('grid presets', () => {
  it('refer to the shapes and schedules named once in train/presets.ts', () => {
    expect(GRID_PRESETS.quick.model).toBe(MODEL_SHAPES['L4-H64-scaled']);
    expect(GRID_PRESETS.full.model).toBe(MODEL_SHAPES['L6-H256-scaled']);
    expect(TRAIN_PRESETS.quick.model).toBe(MODEL_SHAPES['L2-H128']);
    expect(TRAIN_PRESETS.full.train).toBe(TRAIN_SCHEDULES['scratch-full']);
    // The grid's schedules differ from the training presets' only where they say so.
    expect(GRID_PRESETS.quick.train).toEqual({
      ...TRAIN_SCHEDULES['scratch-quick'],
      pMaxLen: 32,
      epochs: 2,
      logEvery: 20,
    });
    expect(GRID_PRESETS.full.train).toEqual({
      ...TRAIN_SCHEDULES['scratch-full'],
      epochs: 4,
      logEvery: 20,
    });
  });

  it('standard is quick with CLS pooling for 600 steps, KALE for 60 at lr 3e-3', () => {
    const { quick, standard } = GRID_PRESETS;
    expect(standard).toEqual({
      ...quick,
      train: { ...quick.train, steps: 600, pooling: 'cls' },
      kale: { ...quick.kale, steps: 60, lr: 3e-3 },
    });
  });

  it('share the cores between the two trainers when the grid trains in the background', () => {
    expect(gridThreads({ backgroundTraining: true }, 2)).toBe(1);
    expect(gridThreads({ backgroundTraining: true }, 16)).toBe(8);
    expect(gridThreads({ backgroundTraining: true }, 1)).toBe(1);
    expect(gridThreads({ backgroundTraining: false }, 2)).toBe(2);
  });

  it('scale the init range with width: 0.02·√(768/H)', () => {
    expect(widthScaledInit(768)).toBe(0.02);
    expect(widthScaledInit(64)).toBe(0.0693); // 0.02·√12 = 0.069282
    expect(MODEL_SHAPES['L6-H256-scaled'].initializerRange).toBe(0.0346); // 0.02·√3
  });

  it('merge overrides field by field and refuse a depth that is not a positive integer', () => {
    const o = gridOptions('quick', { train: { lr: 5e-4 }, kale: { epochs: 1 } });
    expect(o.train.lr).toBe(5e-4);
    expect(o.train.epochs).toBe(2);
    expect(o.kale).toEqual({ epochs: 1, lr: 1e-3, objective: 'plain' });
    expect(() => gridOptions('quick', { queryDepths: [0] })).toThrow(
      'GridOptions.queryDepths: 0 must be a positive integer',
    );
    expect(() => gridOptions('quick', { queryDepths: [1.5] })).toThrow('1.5 must be');
    // Deeper than the preset's model: an init checkpoint may have the layers (planGrid and
    // the preflight check the real depth).
    expect(gridOptions('quick', { queryDepths: [6] }).queryDepths).toEqual([6]);
    expect(() => gridOptions('tiny' as 'quick')).toThrow(
      'unknown grid preset "tiny"; allowed: quick, standard, full',
    );
  });
});
