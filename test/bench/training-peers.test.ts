import { describe, expect, it } from 'vitest';
import { benchTrainingPeers } from '../../src/bench/index.js';

describe('benchTrainingPeers', () => {
  it('measures the quick shape on 1 and 2 threads and 2 workers in child processes, and PyTorch beside it', async () => {
    const { rows, notes } = await benchTrainingPeers({
      steps: 1,
      only: ['quick'],
      threads: [1, 2],
      workers: [2],
    });
    const kalelab = rows.filter((r) => r.framework === 'kalelab');
    expect(kalelab.map((r) => [r.backend, r.threads, r.workers, r.preset])).toEqual([
      ['wasm', 1, 1, 'quick'],
      ['wasm', 2, 1, 'quick'],
      ['wasm', 1, 2, 'quick'],
    ]);
    for (const r of kalelab) {
      expect(r.hidden).toBe(128);
      expect(r.secondsPerStep).toBeGreaterThan(0);
      expect(r.tokensPerSecond).toBeGreaterThan(0);
    }
    const torch = rows.filter((r) => r.framework === 'pytorch');
    // PyTorch is a peer where a Python with torch exists; where not, a note says why.
    if (torch.length === 0) expect(notes.join('; ')).toMatch(/pytorch/);
    else
      expect(torch.map((r) => [r.backend, r.threads, r.hidden])).toEqual([
        ['cpu', 1, 128],
        ['cpu', 2, 128],
      ]);
  }, 300_000);
});
