import { describe, expect, it } from 'vitest';
import { gridOptions } from '../../src/experiment/options.js';
import {
  LATENCY_ROUNDS,
  latencyMeter,
  medianLatency,
  type Latency,
} from '../../src/experiment/latency.js';
import { tinyConfig, tinyDataset, tinyTokenizer } from '../train/tiny-setup.js';

const at = (batch1: number, int8Batch1: number | null = null): Latency => ({
  engine: 'onnxruntime',
  batch1,
  batch32: batch1 * 10,
  tfjsBatch1: batch1 * 3,
  int8Batch1,
  gflops: 0.5,
});

describe('medianLatency', () => {
  it('takes each field’s median over the rounds, not one round’s figures', () => {
    // The slow round (a trainer starting on the other thread) does not set any figure.
    const m = medianLatency([at(1, 0.4), at(9, 0.1), at(2, 0.3)]);
    expect(m).toEqual({
      engine: 'onnxruntime',
      batch1: 2,
      batch32: 20,
      tfjsBatch1: 6,
      int8Batch1: 0.3,
      gflops: 0.5,
    });
  });

  it('averages the middle two of an even count and keeps a missing int8 figure null', () => {
    const m = medianLatency([at(1), at(4), at(2), at(3)]);
    expect(m.batch1).toBe(2.5);
    expect(m.int8Batch1).toBeNull();
  });
});

describe('latencyMeter', () => {
  it('times every depth asked for once and serves it from its cache', async () => {
    const dataset = tinyDataset();
    const tokenizer = tinyTokenizer(dataset);
    const config = { ...tinyConfig(tokenizer.vocab.length), numHiddenLayers: 4 };
    const options = gridOptions('quick', { latencyRuns: LATENCY_ROUNDS });
    const texts = Object.values(dataset.splits.train!.queries).map((q) => q.text);
    const meter = latencyMeter(config, options, tokenizer, texts, 8, 'tfjs');
    await meter.warm([4, 1, 2, 1]);
    const [l1, l2, l4] = [await meter.measure(1), await meter.measure(2), await meter.measure(4)];
    for (const l of [l1, l2, l4]) {
      expect(l.engine).toBe('tfjs');
      expect(l.batch1).toBeGreaterThan(0);
      expect(l.tfjsBatch1).toBe(l.batch1); // on tfjs the serving figure is tfjs's
      expect(l.int8Batch1).toBeNull();
    }
    // Analytic cost grows with depth; a second measure returns the warmed figure as is.
    expect(l1.gflops).toBeLessThan(l2.gflops);
    expect(l2.gflops).toBeLessThan(l4.gflops);
    expect(await meter.measure(2)).toBe(l2);
  });
});
