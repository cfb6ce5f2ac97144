import { describe, expect, it } from 'vitest';
import { measureLatency, quantile, summarizeLatency } from '../../src/eval/latency.js';

describe('latency', () => {
  it('summarises with numpy-style interpolated quantiles', () => {
    const s = summarizeLatency([5, 1, 4, 2, 3, 10, 6, 7, 8, 9]);
    expect(s.medianMs).toBe(5.5);
    expect(s.p90Ms).toBeCloseTo(9.1, 12); // numpy.percentile(range(1, 11), 90)
    expect(s.minMs).toBe(1);
    expect(s.maxMs).toBe(10);
    expect(s.meanMs).toBe(5.5);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('runs warm-up calls untimed, then the timed calls, awaiting each', async () => {
    let calls = 0;
    const s = await measureLatency(
      async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 2));
      },
      { warmup: 2, runs: 5 },
    );
    expect(calls).toBe(7);
    expect(s.runs).toBe(5);
    expect(s.samplesMs).toHaveLength(5);
    expect(s.medianMs).toBeGreaterThanOrEqual(1.5);
  });

  it('rejects bad options', async () => {
    await expect(measureLatency(() => {}, { runs: 0 })).rejects.toThrow(/runs/);
  });
});
