import { readFileSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../src/backend/index.js';
import { contrastiveLoss, multipleNegativesRankingLoss } from '../../src/train/index.js';

// Copy of ../shared/oracle/losses/contrastive.json (torch autograd in float64).
const oracle = JSON.parse(
  readFileSync(new URL('../fixtures/train/contrastive.json', import.meta.url), 'utf8'),
) as {
  cases: Array<{
    name: string;
    layout: string;
    similarity: 'dot' | 'cosine';
    scale: number;
    temperature?: number;
    n_hard?: number;
    inputs: Record<string, number[][]>;
    loss: { value: number };
    [grad: `grad_${string}`]: number[][];
  }>;
};

type Case = (typeof oracle.cases)[number];

/** The oracle gradient `grad_<name>` of a case, flattened. */
function grad(c: Case, name: string): number[] {
  const g = c[`grad_${name}`];
  if (g === undefined) throw new Error(`oracle case ${c.name} has no grad_${name}`);
  return g.flat();
}

const LOSS_TOL = (e: number): number => 1e-5 + 1e-4 * Math.abs(e);
const GRAD_TOL = (e: number): number => 1e-6 + 1e-4 * Math.abs(e);

/** Largest |a − e| / tol(e) over all elements; ≤ 1 passes. */
function worst(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tol: (e: number) => number,
): number {
  expect(actual.length).toBe(expected.length);
  let w = 0;
  for (let i = 0; i < expected.length; i++) {
    w = Math.max(w, Math.abs(actual[i]! - expected[i]!) / tol(expected[i]!));
  }
  return w;
}

const errors: Record<string, { loss: number; grad: number }> = {};

describe.each(['cpu', 'wasm'] as BackendName[])('contrastive losses vs oracle on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend, announce: false });
  });

  for (const c of oracle.cases.filter((x) => x.layout === 'tevatron')) {
    it(`${c.name}: loss and gradients`, () => {
      const before = tf.memory().numTensors;
      const q = tf.tensor2d(c.inputs['q']!, undefined, 'float32');
      const p = tf.tensor2d(c.inputs['p']!, undefined, 'float32');
      const opts = {
        similarity: c.similarity,
        scale: c.scale,
        temperature: c.temperature ?? 1,
        nHard: c.n_hard ?? 0,
      };
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) =>
        contrastiveLoss(a as tf.Tensor2D, b as tf.Tensor2D, opts),
      )([q, p]);
      const lossW = worst(value.dataSync(), [c.loss.value], LOSS_TOL);
      const gq = worst(grads[0]!.dataSync(), grad(c, 'q'), GRAD_TOL);
      const gp = worst(grads[1]!.dataSync(), grad(c, 'p'), GRAD_TOL);
      errors[`${backend}:${c.name}`] = {
        loss: Math.abs(value.dataSync()[0]! - c.loss.value),
        grad: Math.max(
          ...Array.from(grads[0]!.dataSync(), (v, i) => Math.abs(v - grad(c, 'q')[i]!)),
          ...Array.from(grads[1]!.dataSync(), (v, i) => Math.abs(v - grad(c, 'p')[i]!)),
        ),
      };
      expect(lossW).toBeLessThanOrEqual(1);
      expect(gq).toBeLessThanOrEqual(1);
      expect(gp).toBeLessThanOrEqual(1);
      tf.dispose([q, p, value, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  for (const c of oracle.cases.filter((x) => x.name.startsWith('mnrl'))) {
    it(`${c.name}: loss and gradients (sentence-transformers layout)`, () => {
      const before = tf.memory().numTensors;
      const names = ['anchors', 'positives', 'negatives'].filter((n) => c.inputs[n] !== undefined);
      const xs = names.map((n) => tf.tensor2d(c.inputs[n]!, undefined, 'float32'));
      const { value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) =>
        multipleNegativesRankingLoss(
          ts[0] as tf.Tensor2D,
          ts[1] as tf.Tensor2D,
          ts.length > 2 ? (ts[2] as tf.Tensor2D) : [],
          { scale: c.scale },
        ),
      )(xs);
      expect(worst(value.dataSync(), [c.loss.value], LOSS_TOL)).toBeLessThanOrEqual(1);
      names.forEach((n, i) => {
        expect(worst(grads[i]!.dataSync(), grad(c, n), GRAD_TOL)).toBeLessThanOrEqual(1);
      });
      tf.dispose([...xs, value, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('infers nHard from the row count and rejects a bad layout', () => {
    const c = oracle.cases.find((x) => x.name === 'inbatch_nhard2_dot')!;
    const q = tf.tensor2d(c.inputs['q']!);
    const p = tf.tensor2d(c.inputs['p']!);
    const loss = contrastiveLoss(q, p);
    expect(Math.abs(loss.dataSync()[0]! - c.loss.value)).toBeLessThan(LOSS_TOL(c.loss.value));
    expect(() => contrastiveLoss(q, p, { nHard: 1 })).toThrow(/B·\(1\+nHard\)/);
    expect(() => contrastiveLoss(q, p, { similarity: 'l2' as 'dot' })).toThrow(/similarity/);
    expect(() => contrastiveLoss(q, p, { temperature: 0 })).toThrow(/temperature/);
    tf.dispose([q, p, loss]);
  });
});

it('reports the worst oracle errors', () => {
  const all = Object.values(errors);
  expect(all.length).toBeGreaterThan(0);
  // Visible in `vitest --reporter verbose`; the numbers go in the report.
  process.stdout.write(`contrastive oracle max abs errors: ${JSON.stringify(errors)}\n`);
});
