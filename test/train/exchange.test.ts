import { describe, expect, it } from 'vitest';
import {
  Exchange,
  abortExchange,
  allocateExchange,
  partitionParameters,
  type ExchangeLayout,
} from '../../src/train/exchange.js';

const layout: ExchangeLayout = {
  workers: 2,
  queryRows: 2,
  passageRows: 4,
  hidden: 3,
  paramSizes: [3, 2],
};

describe('Exchange', () => {
  it('lays out embeddings and gradient slots, and sums the slots in order', () => {
    const buffers = allocateExchange(layout);
    const [a, b] = [0, 1].map((w) => new Exchange(layout, buffers, w, 1000));
    expect(a!.queryEmbeddings.length).toBe(6);
    expect(a!.passageEmbeddings.length).toBe(12);
    expect(a!.offsets).toEqual([0, 3]);
    a!.slot(0).set([1, 2, 3, 4, 5]);
    b!.slot(1).set([10, 20, 30, 40, 50]);
    a!.setPresent(0, true);
    b!.setPresent(1, true);
    a!.reduceShare(); // values 0-1
    b!.reduceShare(); // values 2-4
    expect(Array.from(a!.slot(0))).toEqual([11, 22, 33, 44, 55]);
    expect([a!.anyPresent(0), a!.anyPresent(1)]).toEqual([true, true]);
  });

  it('gives up at a barrier after the timeout, and stops at once on an abort', () => {
    const buffers = allocateExchange(layout);
    const alone = new Exchange(layout, buffers, 0, 200);
    const t0 = Date.now();
    expect(() => alone.barrier('embeddings written')).toThrow(
      /worker 0: waited 0.2 s at "embeddings written" for the other workers/,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    // The timeout aborted the exchange: the other worker stops naming worker 0.
    const other = new Exchange(layout, buffers, 1, 60_000);
    expect(() => other.barrier('gradients written')).toThrow(/worker 0 failed/);
    const fresh = allocateExchange(layout);
    abortExchange(fresh, -1);
    expect(() => new Exchange(layout, fresh, 1, 60_000).barrier('x')).toThrow(
      /the coordinator stopped the run/,
    );
  });
});

describe('partitionParameters', () => {
  it('gives each parameter one owner, largest first to the least-loaded worker', () => {
    expect(partitionParameters([10, 1, 7, 4, 2], 2)).toEqual([0, 1, 1, 1, 0]);
    expect(partitionParameters([5, 5], 3)).toEqual([0, 1]);
  });
});
