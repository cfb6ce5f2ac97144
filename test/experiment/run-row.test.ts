import { describe, expect, it } from 'vitest';
import { recoveryOrNull, rowFigures } from '../../src/experiment/index.js';

const lat = (batch1: number, batch32: number, gflops: number) => ({ batch1, batch32, gflops });

describe('rowFigures', () => {
  it('speedup is the full model batch-1 latency over the row, rounded to 3 decimals', () => {
    const f = rowFigures({ main: 0.3, latency: lat(1.5, 10, 0.25), fullLatency: lat(4, 40, 1) });
    expect(f).toEqual({
      latencyMs: { batch1: 1.5, batch32: 10 },
      speedup: 2.667, // 4 / 1.5
      recovery: null, // no teacher: not an aligned row
      queryGflops: 0.25,
    });
  });

  it('recovery is (aligned − pruned) / (teacher − pruned), to 4 decimals', () => {
    const f = rowFigures({
      main: 0.4,
      latency: lat(1, 1, 0),
      fullLatency: lat(3, 3, 0),
      teacherMain: 0.5,
      prunedMain: 0.2,
    });
    expect(f.recovery).toBe(0.6667); // 0.2 / 0.3
    expect(f.speedup).toBe(3);
  });
});

describe('recoveryOrNull', () => {
  it('is null where pruning lost nothing, and may exceed 1 or go negative otherwise', () => {
    expect(recoveryOrNull(0.5, 0.5, 0.6)).toBeNull();
    expect(recoveryOrNull(0.4, 0.5, 0.6)).toBeNull();
    expect(recoveryOrNull(0.5, 0.3, 0.55)).toBe(1.25);
    expect(recoveryOrNull(0.5, 0.3, 0.25)).toBe(-0.25);
    expect(recoveryOrNull(0.5, 0.3, 0.3)).toBe(0);
  });
});
