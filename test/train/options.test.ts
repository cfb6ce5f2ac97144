import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRAIN_OPTIONS,
  checkPositive,
  optionChecks,
  resolveTrainOptions,
} from '../../src/train/index.js';

describe('resolveTrainOptions', () => {
  it('fills the documented defaults; undefined means default', () => {
    const o = resolveTrainOptions({ lr: 1e-3, steps: undefined });
    expect(o.lr).toBe(1e-3);
    expect(o.batchSize).toBe(DEFAULT_TRAIN_OPTIONS.batchSize);
    expect(o.pMaxLen).toBe(156);
    expect(o.steps).toBeUndefined();
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('names the record, the field, the rule and the bad value', () => {
    expect(() => resolveTrainOptions({ batchSize: 0 })).toThrow(
      'TrainOptions.batchSize: must be an integer ≥ 1, got 0',
    );
    expect(() => resolveTrainOptions({ scale: 0 })).toThrow(
      'TrainOptions.scale: must be a finite number > 0, got 0',
    );
    expect(() => resolveTrainOptions({ lr: Number.NaN })).toThrow(
      'TrainOptions.lr: must be a finite number ≥ 0, got null',
    );
    expect(() => resolveTrainOptions({ similarity: 'l2' as 'dot' })).toThrow(
      'TrainOptions.similarity: must be one of dot, cosine, got "l2"',
    );
    expect(() => resolveTrainOptions({ pooling: 'max' as 'cls' })).toThrow(
      'TrainOptions.pooling: must be one of cls, mean, got "max"',
    );
    expect(() => resolveTrainOptions({ split: 'val' as 'dev' })).toThrow(
      'TrainOptions.split: must be one of train, dev, test, got "val"',
    );
    expect(() => resolveTrainOptions({ warmupRatio: 1.5 })).toThrow(
      'TrainOptions.warmupRatio: must be a number in [0, 1], got 1.5',
    );
    expect(() => resolveTrainOptions({ noDuplicates: 'yes' as never })).toThrow(
      'TrainOptions.noDuplicates: must be true or false, got "yes"',
    );
    expect(() => resolveTrainOptions({ learningRate: 1 } as never)).toThrow(
      /^TrainOptions\.learningRate: unknown option; known: .*batchSize/,
    );
  });
});

describe('optionChecks and checkPositive', () => {
  it('share one message format', () => {
    const check = optionChecks('GridOptions');
    expect(() => check.int('seed', 1.5, 0)).toThrow(
      'GridOptions.seed: must be an integer ≥ 0, got 1.5',
    );
    expect(() => check.oneOf('loss', 'x', ['kl'])).toThrow(
      'GridOptions.loss: must be one of kl, got "x"',
    );
    expect(() => check.num('lr', 0, 0, true)).toThrow(
      'GridOptions.lr: must be a finite number > 0, got 0',
    );
    expect(() => check.num('lr', 0, 0)).not.toThrow();
    expect(checkPositive('loss', 'scale', 20)).toBe(20);
    expect(() => checkPositive('loss', 'scale', -1)).toThrow(
      'loss: scale must be a finite number > 0, got -1',
    );
  });
});
