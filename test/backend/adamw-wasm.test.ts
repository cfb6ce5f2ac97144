import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { adamwFusedCalls, adamwUpdate, initBackend } from '../../src/backend/index.js';
import { AdamW } from '../../src/train/index.js';
import { THREADS_ENV } from '../../src/backend/threads.js';
import { adamwSteps, PARAMETER_SHAPES, sha256 } from './adamw-steps.js';
import { jsonFromChild } from './child-json.js';

const script = fileURLToPath(new URL('../fixtures/backend/adamw-steps-child.ts', import.meta.url));

const stepsInChild = (threads: number) => jsonFromChild(script, threads);

/** A variable that alone holds its values (the tensor it was made from is freed). */
function own(t: tf.Tensor, trainable = true): tf.Variable {
  const variable = tf.variable(t, trainable);
  t.dispose();
  return variable;
}

const SCALARS = {
  gradScale: 1,
  beta1: 0.9,
  beta2: 0.999,
  bc2Sqrt: Math.sqrt(1 - 0.999),
  eps: 1e-8,
  decay: 1,
  stepSize: 1e-3 / (1 - 0.9),
};

describe('AdamW in one SIMD pass on the wasm heap', () => {
  beforeAll(async () => {
    process.env[THREADS_ENV] = '1';
    await initBackend({ prefer: 'wasm', announce: false });
    delete process.env[THREADS_ENV];
  });

  it('gives the bits of the element-wise tfjs update, every size, decay or not, clipped or not', () => {
    const before = adamwFusedCalls();
    const fused = adamwSteps(true);
    // Every parameter, every one of 4 steps, went through the SIMD pass.
    expect(adamwFusedCalls() - before).toBe(4 * PARAMETER_SHAPES.length);
    const plain = adamwSteps(false);
    expect(adamwFusedCalls() - before).toBe(4 * PARAMETER_SHAPES.length);
    expect(fused.length).toBe(plain.length);
    expect(sha256(fused)).toBe(sha256(plain));
    // And the update did something: the parameters moved from their start.
    expect(sha256(adamwSteps(true, 0))).not.toBe(sha256(fused));
  });

  it('declines moments whose buffer another tensor shares; a shared parameter gets a new buffer', () => {
    const source = tf.tensor([1, 2, 3, 4, 5], [5]);
    const param = tf.variable(source); // shares source's buffer
    const mSource = tf.zeros([5]);
    const m = tf.variable(mSource, false); // shares mSource's buffer until it is freed
    const v = own(tf.zeros([5]), false);
    const grad = tf.ones([5]);
    expect(adamwUpdate({ param, m, v, grad }, SCALARS)).toBe(false);
    expect(Array.from(mSource.dataSync())).toEqual([0, 0, 0, 0, 0]);
    mSource.dispose();
    expect(adamwUpdate({ param, m, v, grad }, SCALARS)).toBe(true);
    // First Adam step: m = 0.1, v = 0.001, m̂/√v̂ = 1, so each value drops by lr = 1e-3.
    const got = Array.from(param.dataSync());
    got.forEach((x, i) => expect(x).toBeCloseTo(i + 1 - 1e-3, 6));
    expect(Array.from(source.dataSync())).toEqual([1, 2, 3, 4, 5]);
    tf.dispose([source, param, m, v, grad]);
  });

  it('products after the update use the new weights (XNNPACK packs weights by tensor)', () => {
    const x = tf.tensor(
      Float32Array.from({ length: 6 * 8 }, (_, i) => Math.sin(i)),
      [6, 8],
    );
    const products = (fused: boolean) => {
      const w = own(
        tf.tensor(
          Float32Array.from({ length: 8 * 5 }, (_, i) => Math.cos(i)),
          [8, 5],
        ),
      );
      const optimizer = new AdamW([{ name: 'w', variable: w }], { fused });
      const out: number[][] = [];
      for (let step = 0; step < 3; step++) {
        const y = tf.matMul(x, w); // packs w's values into an XNNPACK operator
        out.push(Array.from(y.dataSync()));
        const g = tf.mul(y.sum(0), 0).add(tf.onesLike(w)) as tf.Tensor;
        optimizer.applyGradients(new Map([['w', g]]), 0.1);
        tf.dispose([y, g]);
      }
      optimizer.dispose();
      w.dispose();
      return out;
    };
    const before = adamwFusedCalls();
    const fused = products(true);
    expect(adamwFusedCalls() - before).toBe(3);
    const plain = products(false);
    expect(fused).toEqual(plain);
    expect(fused[2]).not.toEqual(fused[0]); // the weights did move
  });

  it('declines other dtypes, mismatched sizes and other backends', async () => {
    const param = own(tf.zeros([4]));
    const m = own(tf.zeros([4]), false);
    const v = own(tf.zeros([4]), false);
    expect(adamwUpdate({ param, m, v, grad: tf.ones([4]) }, SCALARS)).toBe(true); // the control
    expect(adamwUpdate({ param, m, v, grad: tf.ones([3]) }, SCALARS)).toBe(false);
    expect(adamwUpdate({ param, m, v, grad: tf.ones([4], 'int32') }, SCALARS)).toBe(false);
    tf.dispose([param, m, v]);
    await tf.setBackend('cpu');
    try {
      const p = own(tf.zeros([4]));
      const mm = own(tf.zeros([4]), false);
      const vv = own(tf.zeros([4]), false);
      expect(adamwUpdate({ param: p, m: mm, v: vv, grad: tf.ones([4]) }, SCALARS)).toBe(false);
      tf.dispose([p, mm, vv]);
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('runs on the threaded build’s shared heap with the same bits', async () => {
    const [one, two] = await Promise.all([stepsInChild(1), stepsInChild(2)]);
    expect(one).toMatchObject({ threads: 1, sharedHeap: false, fusedCalls: 20 });
    expect(two).toMatchObject({ threads: 2, sharedHeap: true, fusedCalls: 20 });
    expect(one['fused']).toBe(one['plain']);
    expect(two['fused']).toBe(one['plain']);
    expect(two['plain']).toBe(one['plain']);
  });
});
