import { describe, expect, it } from 'vitest';
import { DEFAULT_KALE_OPTIONS, resolveKaleOptions } from '../../src/compress/index.js';

describe('KaleOptions', () => {
  it("has the reference run's frozen defaults", () => {
    expect(DEFAULT_KALE_OPTIONS).toMatchObject({
      loss: 'kl',
      temperature: 10,
      objective: 'reference',
      queryWeight: 0.6,
      randomQueryWeight: 0.2,
      batchSize: 64,
      maxLength: 32,
      lr: 5e-5,
      weightDecay: 0,
      warmupSteps: 0,
      epochs: 3,
      seed: 42,
      pooling: 'cls',
    });
    expect(Object.isFrozen(DEFAULT_KALE_OPTIONS)).toBe(true);
    expect(resolveKaleOptions({})).toEqual(DEFAULT_KALE_OPTIONS);
  });

  it('fills defaults around given fields; undefined means default', () => {
    const o = resolveKaleOptions({ loss: 'mse', batchSize: 8, steps: undefined });
    expect(o.loss).toBe('mse');
    expect(o.batchSize).toBe(8);
    expect(o.temperature).toBe(10);
    expect(o.steps).toBeUndefined();
  });

  it('names the field and the bad value', () => {
    expect(() => resolveKaleOptions({ temperature: 0 })).toThrow(
      'KaleOptions.temperature: must be a finite number > 0, got 0',
    );
    expect(() => resolveKaleOptions({ batchSize: 2.5 })).toThrow(
      'KaleOptions.batchSize: must be an integer ≥ 1, got 2.5',
    );
    expect(() => resolveKaleOptions({ objective: 'both' as 'plain' })).toThrow(
      'KaleOptions.objective: must be one of reference, plain, got "both"',
    );
    expect(() => resolveKaleOptions({ pooling: 'max' as 'cls' })).toThrow(/KaleOptions.pooling/);
    expect(() => resolveKaleOptions({ lr: -1 })).toThrow(/KaleOptions.lr/);
    expect(() => resolveKaleOptions({ epochs: 0 })).toThrow(/KaleOptions.epochs/);
    expect(resolveKaleOptions({ epochs: 0.5 }).epochs).toBe(0.5);
    expect(() => resolveKaleOptions({ learningRate: 1 } as never)).toThrow(
      /KaleOptions.learningRate: unknown option/,
    );
  });
});
