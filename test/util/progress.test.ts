import { afterEach, describe, expect, it, vi } from 'vitest';
import { lineProgress } from '../../src/util/index.js';

describe('lineProgress', () => {
  afterEach(() => vi.useRealTimers());

  it('throttles lines, always prints the last, and restarts the clock for a new run', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const lines: string[] = [];
    const sink = lineProgress(1000, (l) => lines.push(l));
    sink({ label: 'encode', done: 1, total: 3 });
    vi.setSystemTime(500);
    sink({ label: 'encode', done: 2, total: 3 }); // within 1 s: dropped
    vi.setSystemTime(2000);
    sink({ label: 'encode', done: 3, total: 3, detail: 'ok' });
    vi.setSystemTime(60_000);
    sink({ label: 'encode', done: 1, total: 2 }); // a second run of the same label
    expect(lines).toEqual(['encode: 1/3 (0.0s)', 'encode: 3/3 (2.0s) ok', 'encode: 1/2 (0.0s)']);
  });
});
