import { describe, expect, it } from 'vitest';
import { recoveryOrNull, rowFigures } from '../../src/experiment/index.js';

const lat = (
  batch1: number,
  batch32: number,
  gflops: number,
  int8Batch1: number | null = null,
) => ({
  engine: 'onnxruntime' as const,
  batch1,
  batch32,
  tfjsBatch1: batch1 * 5,
  int8Batch1,
  gflops,
});

describe('rowFigures', () => {
  it('speedup is the full model batch-1 latency over the row, rounded to 3 decimals', () => {
    const f = rowFigures({ main: 0.3, latency: lat(1.5, 10, 0.25), fullLatency: lat(4, 40, 1) });
    expect(f).toEqual({
      latencyMs: {
        batch1: 1.5,
        batch32: 10,
        engine: 'onnxruntime',
        tfjsBatch1: 7.5,
        int8Batch1: null,
      },
      speedup: 2.667, // 4 / 1.5
      speedupInt8: null, // int8 not measured
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

  it('speedupInt8 is the full model fp32 batch-1 latency over this encoder int8 latency', () => {
    const f = rowFigures({ main: 0.3, latency: lat(2, 10, 0, 0.8), fullLatency: lat(4, 40, 0, 2) });
    expect(f.speedup).toBe(2); // 4 / 2 (fp32 both)
    expect(f.speedupInt8).toBe(5); // 4 / 0.8, not the full model's own int8
    expect(f.latencyMs).toMatchObject({ int8Batch1: 0.8, tfjsBatch1: 10 });
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
