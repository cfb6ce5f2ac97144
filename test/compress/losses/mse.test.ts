import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/index.js';
import { mseLoss } from '../../../src/compress/losses/index.js';
import {
  BACKENDS,
  expectGradClose,
  expectLossClose,
  oracle,
  printMaxErrors,
  valueAndGrad,
} from './oracle.js';

afterAll(printMaxErrors);

describe.each(BACKENDS)('mseLoss on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend, announce: false });
  });

  for (const c of oracle.cases) {
    it(`${c.name} equals torch MSELoss() (value and gradient)`, () => {
      const before = tf.memory().numTensors;
      const r = valueAndGrad(mseLoss, c.inputs.student, c.inputs.teacher);
      expectLossClose('mse', r.value, c.mse_mean.loss.value_f64);
      expectGradClose('mse grad', r.grad, c.mse_mean.grad_student);
      r.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('averages over B·H, not B', () => {
    const v = tf.tidy(() =>
      mseLoss(tf.tensor2d([[1, 1, 1, 1]]), tf.tensor2d([[0, 0, 0, 0]])).dataSync(),
    );
    expect(v[0]).toBe(1);
  });
});
