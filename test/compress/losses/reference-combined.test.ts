import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/index.js';
import { kaleReferenceLoss, mseLoss } from '../../../src/compress/losses/index.js';
import { BACKENDS, expectGradClose, expectLossClose, oracle, printMaxErrors } from './oracle.js';

afterAll(printMaxErrors);

describe.each(BACKENDS)('kaleReferenceLoss on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend, announce: false });
  });

  it('reference_combined: 0.6·KALE(query) + 0.2·KALE(random query) equals ca-prune.py', () => {
    const ref = oracle.reference_combined;
    const before = tf.memory().numTensors;
    const sp = tf.tensor2d(ref.inputs.student_pos);
    const tp = tf.tensor2d(ref.inputs.teacher_pos);
    const sn = tf.tensor2d(ref.inputs.student_neg);
    const tn = tf.tensor2d(ref.inputs.teacher_neg);
    const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
      kaleReferenceLoss(
        { student: a as tf.Tensor2D, teacher: tp },
        { student: b as tf.Tensor2D, teacher: tn },
      );
    const { value, grads } = tf.valueAndGrads(f)([sp, sn]);
    expectLossClose('reference loss', value.dataSync()[0]!, ref.loss.value_f64);
    expectGradClose('reference grad pos', grads[0]!, ref.grad_student_pos);
    expectGradClose('reference grad neg', grads[1]!, ref.grad_student_neg);
    tf.dispose([sp, tp, sn, tn, value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('weights any base loss; weight 1/0 is the plain loss', () => {
    const c = oracle.cases[0]!;
    const v = tf.tidy(() => {
      const s = tf.tensor2d(c.inputs.student);
      const t = tf.tensor2d(c.inputs.teacher);
      const pair = { student: s, teacher: t };
      return [
        kaleReferenceLoss(pair, pair, { queryWeight: 1, randomQueryWeight: 0 }).dataSync()[0]!,
        kaleReferenceLoss(pair, pair, { base: mseLoss }).dataSync()[0]!,
      ];
    });
    expectLossClose('reference plain', v[0]!, c.kale_T10.loss.value_f64);
    expectLossClose('reference mse', v[1]!, 0.8 * c.mse_mean.loss.value_f64);
  });
});
