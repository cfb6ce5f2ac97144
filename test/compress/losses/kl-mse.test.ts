import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/index.js';
import { klMseLoss } from '../../../src/compress/losses/index.js';
import {
  BACKENDS,
  expectGradClose,
  expectLossClose,
  oracle,
  printMaxErrors,
  valueAndGrad,
} from './oracle.js';

/** The oracle has KL and MSE separately; KL + MSE is their (weighted) sum, value and gradient. */
afterAll(printMaxErrors);

describe.each(BACKENDS)('klMseLoss on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend, announce: false });
  });

  for (const c of oracle.cases) {
    it(`${c.name}: 1·KL(T=10) + 1·MSE and 0.5·KL(T=1) + 2·MSE`, () => {
      const before = tf.memory().numTensors;
      const add = (a: number[][], wa: number, b: number[][], wb: number): number[][] =>
        a.map((row, i) => row.map((x, j) => wa * x + wb * b[i]![j]!));

      const r = valueAndGrad(klMseLoss, c.inputs.student, c.inputs.teacher);
      expectLossClose('kl+mse', r.value, c.kale_T10.loss.value_f64 + c.mse_mean.loss.value_f64);
      expectGradClose(
        'kl+mse grad',
        r.grad,
        add(c.kale_T10.grad_student, 1, c.mse_mean.grad_student, 1),
      );
      r.dispose();

      const w = valueAndGrad(
        (s, t) => klMseLoss(s, t, { temperature: 1, klWeight: 0.5, mseWeight: 2 }),
        c.inputs.student,
        c.inputs.teacher,
      );
      expectLossClose(
        'kl+mse',
        w.value,
        0.5 * c.kale_T1.loss.value_f64 + 2 * c.mse_mean.loss.value_f64,
      );
      expectGradClose(
        'kl+mse grad',
        w.grad,
        add(c.kale_T1.grad_student, 0.5, c.mse_mean.grad_student, 2),
      );
      w.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('rejects a negative weight', () => {
    tf.tidy(() => {
      const a = tf.zeros([1, 2]) as tf.Tensor2D;
      expect(() => klMseLoss(a, a, { mseWeight: -1 })).toThrow(/mseWeight.*got -1/);
    });
  });
});
