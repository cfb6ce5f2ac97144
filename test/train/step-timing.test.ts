import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { timeTrainingSteps } from '../../src/train/index.js';
import { tinyConfig } from './tiny-setup.js';

// H 16, I 32, 2 layers: encoderFlops(B, T) = 2 · (2·B·T·H²·4 + 2·B·T²·H·2 + 2·B·T·H·I·2)
//                                          = 2 · (2048·B·T + 64·B·T² + 2048·B·T)
const flopsOf = (B: number, T: number): number => 2 * (4096 * B * T + 64 * B * T * T);

describe('timeTrainingSteps', () => {
  it('times real steps, counts their FLOPs and tokens, and frees every tensor', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    const before = tf.memory().numTensors;
    const shape = { config: tinyConfig(50), batch: 3, nHard: 1, qLen: 6, pLen: 10 };
    const t = timeTrainingSteps(shape, 2);
    expect(t.medianSeconds).toBeGreaterThan(0);
    expect(t.flops).toBe(3 * (flopsOf(3, 6) + flopsOf(6, 10)));
    expect(t.tokens).toBe(3 * 6 + 6 * 10);
    expect(tf.memory().numTensors).toBe(before);
    const tied = timeTrainingSteps({ ...shape, tied: true, pooling: 'mean' }, 1);
    expect(tied.flops).toBe(t.flops);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a step count that is not a positive integer', () => {
    expect(() =>
      timeTrainingSteps({ config: tinyConfig(50), batch: 1, nHard: 0, qLen: 4, pLen: 4 }, 0),
    ).toThrow('timeTrainingSteps: steps must be a positive integer, got 0');
  });
});
