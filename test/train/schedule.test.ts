import { describe, expect, it } from 'vitest';
import {
  learningRateAt,
  linearWarmupDecayFactor,
  warmupStepsFromRatio,
} from '../../src/train/index.js';

describe('linear warm-up then decay (transformers get_linear_schedule_with_warmup)', () => {
  const s = { peakLr: 1e-3, warmupSteps: 4, totalSteps: 10 };

  it('ramps from 0 to the peak over the warm-up, then decays to 0', () => {
    const lrs = Array.from({ length: 12 }, (_, t) => learningRateAt(s, t));
    // HF: lambda(t) = t/4 for t < 4, else max(0, (10 − t)/6).
    const expected = [0, 0.25, 0.5, 0.75, 1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6, 0, 0].map(
      (f) => f * 1e-3,
    );
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(expected[i]!, 15));
  });

  it('without warm-up starts at the peak', () => {
    expect(linearWarmupDecayFactor(0, 0, 5)).toBe(1);
    expect(linearWarmupDecayFactor(4, 0, 5)).toBeCloseTo(0.2, 15);
  });

  it('converts a warm-up ratio as HF (ceil) and rejects bad input', () => {
    expect(warmupStepsFromRatio(0.1, 95)).toBe(10);
    expect(warmupStepsFromRatio(0, 95)).toBe(0);
    expect(() => warmupStepsFromRatio(1.5, 10)).toThrow(/warmupRatio/);
    expect(() => learningRateAt({ ...s, warmupSteps: 11 }, 0)).toThrow(/warmupSteps/);
    expect(() => learningRateAt(s, -1)).toThrow(/step/);
  });
});
