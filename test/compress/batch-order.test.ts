import { describe, expect, it } from 'vitest';
import {
  batchesPerEpoch,
  epochOrder,
  randomPartners,
  stepIndices,
} from '../../src/compress/batch-order.js';

describe('alignment batch order', () => {
  it('counts batches per epoch with and without the last partial batch', () => {
    expect(batchesPerEpoch(40, 16, false)).toBe(3);
    expect(batchesPerEpoch(40, 16, true)).toBe(2);
    expect(batchesPerEpoch(5, 64, true)).toBe(1); // fewer queries than a batch: one batch
    expect(() => batchesPerEpoch(0, 16, false)).toThrow(/at least one query/);
  });

  it('walks a seeded permutation per epoch, each query once per epoch', () => {
    const steps = [0, 1, 2].map((s) => stepIndices(42, s, 40, 16, false));
    expect(steps.map((s) => s.length)).toEqual([16, 16, 8]);
    expect(steps.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(stepIndices(42, 3, 40, 16, false)).toEqual(epochOrder(42, 1, 40).slice(0, 16));
    expect(epochOrder(42, 1, 40)).not.toEqual(epochOrder(42, 0, 40));
    expect(epochOrder(42, 0, 40)).toEqual(epochOrder(42, 0, 40));
    expect(epochOrder(43, 0, 40)).not.toEqual(epochOrder(42, 0, 40));
  });

  it('draws random second queries that are never the query itself, reproducibly', () => {
    const own = stepIndices(1, 5, 10, 10, false);
    const partners = randomPartners(1, 5, own, 10);
    expect(partners).toEqual(randomPartners(1, 5, own, 10));
    expect(partners.every((p, i) => p !== own[i] && p >= 0 && p < 10)).toBe(true);
    expect(randomPartners(1, 6, own, 10)).not.toEqual(partners);
    expect(randomPartners(1, 0, [0], 1)).toEqual([0]);
  });
});
