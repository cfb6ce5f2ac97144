import { describe, expect, it } from 'vitest';
import { recovery } from '../../src/compress/index.js';

describe('recovery', () => {
  it('is the share of the pruning loss that alignment wins back', () => {
    expect(recovery(0.4, 0.2, 0.3)).toBeCloseTo(0.5, 12);
    expect(recovery(0.4, 0.2, 0.4)).toBeCloseTo(1, 12);
    expect(recovery(0.4, 0.2, 0.1)).toBeCloseTo(-0.5, 12); // alignment hurt
    expect(recovery(0.4, 0.2, 0.5)).toBeCloseTo(1.5, 12); // better than the full model
  });

  it('is null when pruning lost nothing, and rejects non-finite input', () => {
    expect(recovery(0.3, 0.3, 0.35)).toBeNull();
    expect(() => recovery(Number.NaN, 0.2, 0.3)).toThrow(
      'recovery: full must be a finite number, got NaN',
    );
  });
});
