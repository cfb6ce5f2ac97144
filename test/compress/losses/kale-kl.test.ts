import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/index.js';
import { alignmentLoss, kaleKlLoss } from '../../../src/compress/losses/index.js';
import { Random } from '../../../src/util/index.js';
import {
  BACKENDS,
  expectGradClose,
  expectLossClose,
  printMaxErrors,
  oracle,
  valueAndGrad,
} from './oracle.js';

afterAll(printMaxErrors);

describe.each(BACKENDS)('kaleKlLoss on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend, announce: false });
  });

  for (const c of oracle.cases) {
    for (const key of ['kale_T1', 'kale_T10'] as const) {
      it(`${c.name} ${key} equals torch (value and gradient)`, () => {
        const expected = c[key];
        const before = tf.memory().numTensors;
        const r = valueAndGrad(
          (s, t) => kaleKlLoss(s, t, { temperature: expected.temperature }),
          c.inputs.student,
          c.inputs.teacher,
        );
        expectLossClose('kale loss', r.value, expected.loss.value_f64);
        expectGradClose('kale grad', r.grad, expected.grad_student);
        r.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('defaults to T = 10', () => {
    const c = oracle.cases[0]!;
    const r = tf.tidy(() =>
      kaleKlLoss(tf.tensor2d(c.inputs.student), tf.tensor2d(c.inputs.teacher)).dataSync(),
    );
    expectLossClose('kale loss', r[0]!, c.kale_T10.loss.value_f64);
  });

  it('passes no gradient to the teacher', () => {
    const c = oracle.cases[1]!;
    const g = tf.tidy(() => {
      const s = tf.tensor2d(c.inputs.student);
      const t = tf.tensor2d(c.inputs.teacher);
      return tf
        .grads((tt: tf.Tensor) => kaleKlLoss(s, tt as tf.Tensor2D))([t])[0]!
        .dataSync();
    });
    expect(Math.max(...g.map(Math.abs))).toBe(0);
  });

  it('is stable for large logits (stable log-softmax) and zero at student = teacher', () => {
    const r = tf.tidy(() => {
      const big = tf.tensor2d([[3000, -3000, 1000, 0]]);
      const same = kaleKlLoss(big, big, { temperature: 1 }).dataSync()[0]!;
      const shifted = kaleKlLoss(tf.add(big, 5000) as tf.Tensor2D, big, {
        temperature: 1,
      }).dataSync()[0]!;
      const apart = kaleKlLoss(tf.tensor2d([[0, 3000, 0, 0]]), big, {
        temperature: 1,
      }).dataSync()[0]!;
      return { same, shifted, apart };
    });
    expect(r.same).toBe(0);
    // softmax is shift-invariant per row: KL ignores a constant added to a row
    expect(r.shifted).toBe(0);
    // p ≈ one-hot on dim 0, log q_0 = −3000: KL ≈ 3000, finite
    expect(r.apart).toBeCloseTo(3000, 3);
  });

  it('keeps float64 accuracy when the student is near the teacher (no cancellation)', () => {
    // KL of near-equal rows is O(|t − s|²); the textbook Σ p (log p − log q) would lose it
    // to rounding of O(log H) terms, amplified by T² = 100.
    const rng = new Random(5);
    const B = 8;
    const H = 64;
    const T = 10;
    const s = Array.from({ length: B }, () => Array.from({ length: H }, () => rng.normal()));
    const t = s.map((row) => row.map((x) => Math.fround(x + 0.01 * rng.normal())));
    const softmax = (row: number[]): number[] => {
      const m = Math.max(...row);
      const e = row.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    };
    let expected = 0;
    for (let i = 0; i < B; i++) {
      const p = softmax(t[i]!.map((x) => x / T));
      const q = softmax(s[i]!.map((x) => Math.fround(x) / T));
      for (let j = 0; j < H; j++) expected += p[j]! * Math.log(p[j]! / q[j]!);
    }
    expected *= (T * T) / B;
    const got = tf.tidy(() => kaleKlLoss(tf.tensor2d(s), tf.tensor2d(t)).dataSync()[0]!);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(1e-3);
    expect(Math.abs(got - expected) / expected).toBeLessThan(1e-3);
  });

  it('is picked by name from the registry; unknown names throw', () => {
    const c = oracle.cases[2]!;
    const v = tf.tidy(
      () =>
        alignmentLoss('kl', { temperature: 1 })(
          tf.tensor2d(c.inputs.student),
          tf.tensor2d(c.inputs.teacher),
        ).dataSync()[0]!,
    );
    expectLossClose('kale loss', v, c.kale_T1.loss.value_f64);
    expect(() => alignmentLoss('kld' as 'kl', { temperature: 1 })).toThrow(
      'alignmentLoss: unknown loss "kld"; allowed: kl, mse, cosine, kl+mse',
    );
  });

  it('rejects bad shapes and temperatures, naming them', () => {
    tf.tidy(() => {
      const a = tf.zeros([2, 3]) as tf.Tensor2D;
      const b = tf.zeros([2, 4]) as tf.Tensor2D;
      expect(() => kaleKlLoss(a, b)).toThrow(/student \[2, 3\] and teacher \[2, 4\]/);
      expect(() => kaleKlLoss(a, a, { temperature: 0 })).toThrow(/temperature.*got 0/);
      expect(() => kaleKlLoss(tf.zeros([3]) as unknown as tf.Tensor2D, a)).toThrow(
        /student must be \[B, H\]/,
      );
    });
  });
});
