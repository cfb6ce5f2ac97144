/**
 * AdamW steps on a fixed set of parameters, for test/backend/adamw-wasm.test.ts and its
 * child process: sizes that are and are not multiples of the 4 SIMD lanes, decayed and
 * not decayed names, a clip factor, and moments that have grown over a few steps.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { AdamW, type NamedVariable } from '../../src/train/index.js';
import { Random } from '../../src/util/index.js';

/** Parameter names and shapes: decayed weights and undecayed biases / LayerNorm weights. */
export const PARAMETER_SHAPES: readonly [string, number[]][] = [
  ['layer.0.attention.query.weight', [33, 31]],
  ['layer.0.attention.query.bias', [31]],
  ['layer.0.LayerNorm.weight', [3]],
  ['embeddings.word_embeddings.weight', [257, 16]],
  ['pooler.dense.bias', [1]],
];

const values = (rng: Random, n: number, scale: number) =>
  Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);

/**
 * Every parameter's and moment's float32 values after `steps` AdamW steps (lr 1e-3, wd
 * 0.01, clip factor 0.7 on odd steps), with `fused` as given; concatenated in order.
 */
export function adamwSteps(fused: boolean, steps = 4): Float32Array {
  const rng = new Random(7);
  const params: NamedVariable[] = PARAMETER_SHAPES.map(([name, shape]) => {
    const start = tf.tensor(values(rng, tf.util.sizeFromShape(shape), 0.5), shape);
    const variable = tf.variable(start);
    start.dispose(); // the variable alone holds the values, as a model's weights
    return { name, variable };
  });
  const optimizer = new AdamW(params, { weightDecay: 0.01, fused });
  for (let step = 0; step < steps; step++) {
    const grads = new Map(
      params.map((p) => [p.name, tf.tensor(values(rng, p.variable.size, 2), p.variable.shape)]),
    );
    optimizer.applyGradients(grads, 1e-3, step % 2 === 1 ? 0.7 : 1);
    tf.dispose([...grads.values()]);
  }
  const state = optimizer.getState();
  const parts = params.flatMap((p) => {
    const moments = state.moments.get(p.name)!;
    return [p.variable.dataSync() as Float32Array, moments.m, moments.v];
  });
  optimizer.dispose();
  for (const p of params) p.variable.dispose();
  const out = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of parts) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** sha256 of the values' bytes. */
export function sha256(values: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('hex');
}
