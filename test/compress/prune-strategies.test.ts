import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { pruneQueryEncoder } from '../../src/compress/index.js';
import { disposeEncoder, encoderFingerprint } from '../../src/model/index.js';
import { tinyTeacher, tinyTokenizer } from './tiny.js';

describe('pruneQueryEncoder', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu', announce: false });
  });

  it('keeps the layers of the strategy, renumbered, and leaves the source alone', () => {
    const tensors = tf.memory().numTensors;
    const teacher = tinyTeacher(tinyTokenizer(), 3, { numHiddenLayers: 12 });
    const print = encoderFingerprint(teacher);
    const cases: Array<[number, 'spread' | 'first' | 'last', number[]]> = [
      [2, 'spread', [0, 11]],
      [3, 'spread', [0, 5, 11]],
      [9, 'spread', [0, 1, 3, 4, 5, 6, 7, 9, 11]],
      [2, 'first', [0, 1]],
      [2, 'last', [10, 11]],
    ];
    for (const [k, strategy, layers] of cases) {
      const { encoder, keptLayers } = pruneQueryEncoder(teacher, k, strategy);
      expect(keptLayers).toEqual(layers);
      expect(encoder.config.numHiddenLayers).toBe(k);
      const last = k - 1;
      const src = teacher.weights.get(`encoder.layer.${layers[last]}.output.dense.weight`)!;
      const dst = encoder.weights.get(`encoder.layer.${last}.output.dense.weight`)!;
      expect(dst).not.toBe(src);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(src, dst))).dataSync()[0])).toBe(0);
      expect(encoder.weights.has(`encoder.layer.${k}.output.dense.weight`)).toBe(false);
      disposeEncoder(encoder);
    }
    expect(encoderFingerprint(teacher)).toBe(print);
    expect(() => pruneQueryEncoder(teacher, 13)).toThrow(/keep must be an integer in 1…12, got 13/);
    disposeEncoder(teacher);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
