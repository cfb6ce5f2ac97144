import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/index.js';
import { cosineEmbeddingLoss } from '../../../src/compress/losses/index.js';
import {
  BACKENDS,
  expectGradClose,
  expectLossClose,
  oracle,
  printMaxErrors,
  valueAndGrad,
} from './oracle.js';

afterAll(printMaxErrors);

describe.each(BACKENDS)('cosineEmbeddingLoss on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend, announce: false });
  });

  for (const c of oracle.cases) {
    it(`${c.name} equals torch CosineEmbeddingLoss (value and gradient)`, () => {
      const before = tf.memory().numTensors;
      const r = valueAndGrad(cosineEmbeddingLoss, c.inputs.student, c.inputs.teacher);
      expectLossClose('cosine', r.value, c.cosine_embedding.loss.value_f64);
      expectGradClose('cosine grad', r.grad, c.cosine_embedding.grad_student);
      r.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('ignores scale: 0 for a scaled copy, 2 for the opposite', () => {
    const [same, opposite] = tf.tidy(() => {
      const t = tf.tensor2d([[1, -2, 3]]);
      return [
        cosineEmbeddingLoss(tf.mul(t, 7) as tf.Tensor2D, t).dataSync()[0]!,
        cosineEmbeddingLoss(tf.neg(t) as tf.Tensor2D, t).dataSync()[0]!,
      ];
    });
    expect(same).toBeCloseTo(0, 6);
    expect(opposite).toBeCloseTo(2, 6);
  });
});
