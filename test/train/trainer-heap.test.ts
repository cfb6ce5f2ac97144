import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { createDualEncoder, disposeDualEncoder, trainDualEncoder } from '../../src/train/index.js';
import { silentProgress } from '../../src/util/index.js';
import { wasmOutOfBoundsTrap } from '../backend/wasm-trap.js';
import { TINY_TRAIN, tinyConfig, tinyDataset, tinyTokenizer } from './tiny-setup.js';
import { useTempDir } from '../temp-dir.js';

// contrastiveStep as it is, except that call number `trapAt` throws the trap the wasm
// backend throws when its heap runs out (a real heap exhaustion needs 4 GiB).
const trap = vi.hoisted(() => ({ calls: 0, trapAt: Infinity }));
vi.mock('../../src/train/step.js', async (importActual) => {
  const actual = await importActual<typeof import('../../src/train/step.js')>();
  return {
    ...actual,
    contrastiveStep: (...args: Parameters<typeof actual.contrastiveStep>) => {
      if (++trap.calls === trap.trapAt) throw wasmOutOfBoundsTrap();
      return actual.contrastiveStep(...args);
    },
  };
});

const dataset = tinyDataset();
const tokenizer = tinyTokenizer(dataset);
const config = tinyConfig(tokenizer.vocab.length);
const scratch = useTempDir('heap');

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

describe('trainDualEncoder when the wasm heap runs out', () => {
  it('says at which step, what to change and where to resume; the checkpoint resumes', async () => {
    const dir = join(scratch(), 'run');
    // workers: 1 — the mock replaces contrastiveStep in this thread, where only the local
    // engine calls it (a data-parallel worker's trap arrives as its error message).
    const options = { ...TINY_TRAIN, workers: 1, checkpointDir: dir };
    const quiet = { progress: silentProgress };
    const dual = createDualEncoder({ config, queryLayers: 1, seed: 3 });
    // Two micro-batches per step: call 7 is step 4's first, after the step-2 checkpoint.
    trap.trapAt = 7;
    const failure = trainDualEncoder(dual, tokenizer, dataset, options, quiet);
    await expect(failure).rejects.toThrow(
      /heap \(at most 4 GiB\) ran out at step 4 with micro-batches of 6 queries, 2 passages each, up to 10 tokens\. Halve batchSize and double gradientAccumulation/,
    );
    await expect(failure).rejects.toThrow(new RegExp(`resume from ${dir}.*checkpoint`));
    await expect(failure).rejects.toHaveProperty('cause.message', 'memory access out of bounds');

    trap.trapAt = Infinity;
    const resumed = await trainDualEncoder(
      dual,
      tokenizer,
      dataset,
      { ...options, resume: true },
      quiet,
    );
    expect(resumed.resumedFrom).toBe(2);
    expect(resumed.steps).toBe(6);
    disposeDualEncoder(dual);
  });
});
