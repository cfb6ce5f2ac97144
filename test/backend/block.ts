/**
 * A BERT-like block built from kalelab's ops (src/backend/ops.ts), and its loss and
 * gradients on a named backend from the same weights, read asynchronously (as the webgpu
 * backend requires): shared by ops.test.ts (wasm against cpu) and webgpu.test.ts.
 */
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  embeddingLookup,
  geluExact,
  layerNorm,
  linear,
  matMul,
  type BackendName,
} from '../../src/backend/index.js';
import { Random } from '../../src/util/index.js';

/** Random weights of one BERT-like block, as plain arrays so both backends get the same values. */
export function blockWeights(seed: number, vocab: number, hidden: number, inter: number) {
  const rng = new Random(seed);
  const arr = (n: number, std = 0.3) => Float32Array.from({ length: n }, () => rng.normal() * std);
  return {
    table: { shape: [vocab, hidden], values: arr(vocab * hidden) },
    wq: { shape: [hidden, hidden], values: arr(hidden * hidden) },
    wk: { shape: [hidden, hidden], values: arr(hidden * hidden) },
    wv: { shape: [hidden, hidden], values: arr(hidden * hidden) },
    wo: { shape: [hidden, hidden], values: arr(hidden * hidden) },
    w1: { shape: [hidden, inter], values: arr(hidden * inter) },
    b1: { shape: [inter], values: arr(inter, 0.1) },
    w2: { shape: [inter, hidden], values: arr(inter * hidden) },
    gamma: {
      shape: [hidden],
      values: Float32Array.from({ length: hidden }, () => 1 + rng.normal() * 0.1),
    },
    beta: { shape: [hidden], values: arr(hidden, 0.05) },
  };
}

export type Weights = ReturnType<typeof blockWeights>;
type Named = Record<keyof Weights, tf.Tensor>;

/** Embedding lookup → 2-head self-attention with a padding mask → LayerNorm → GELU MLP → LayerNorm. */
function block(w: Named, ids: tf.Tensor2D, mask: tf.Tensor2D, heads: number): tf.Scalar {
  const [B, L] = ids.shape;
  const H = w.wq.shape[0]!;
  const d = H / heads;
  const x = embeddingLookup(w.table as tf.Tensor2D, ids); // [B, L, H]
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, L, heads, d]), [0, 2, 1, 3]); // [B, A, L, d]
  const q = split(linear(x, w.wq as tf.Tensor2D));
  const k = split(linear(x, w.wk as tf.Tensor2D));
  const v = split(linear(x, w.wv as tf.Tensor2D));
  const bias = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [B, 1, 1, L]);
  const scores = tf.add(tf.mul(matMul(q, k, true), 1 / Math.sqrt(d)), bias); // [B, A, L, L]
  const ctx = matMul(tf.softmax(scores), v); // [B, A, L, d]
  const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B, L, H]);
  const a = layerNorm(
    tf.add(x, linear(merged, w.wo as tf.Tensor2D)),
    w.gamma as tf.Tensor1D,
    w.beta as tf.Tensor1D,
  );
  const h = geluExact(linear(a, w.w1 as tf.Tensor2D, w.b1 as tf.Tensor1D));
  const out = layerNorm(
    tf.add(a, linear(h, w.w2 as tf.Tensor2D)),
    w.gamma as tf.Tensor1D,
    w.beta as tf.Tensor1D,
  );
  // A loss that depends on every position and feature, with unequal weights.
  const weights = tf.reshape(tf.range(1, H + 1).div(H), [1, 1, H]);
  return tf.mean(tf.square(tf.mul(out, weights))) as tf.Scalar;
}

export async function gradientsOn(backend: BackendName, raw: Weights) {
  await initBackend({ prefer: backend, announce: false });
  const before = tf.memory().numTensors;
  const ids = tf.tensor2d(
    [
      [2, 5, 7, 9, 3, 0],
      [2, 11, 5, 3, 0, 0],
    ],
    [2, 6],
    'int32',
  );
  const mask = tf.tensor2d([
    [1, 1, 1, 1, 1, 0],
    [1, 1, 1, 1, 0, 0],
  ]);
  const names = Object.keys(raw) as Array<keyof Weights>;
  const tensors = names.map((n) => tf.tensor(raw[n].values, raw[n].shape));
  const { value, grads } = tf.tidy(() => {
    const f = (...ts: tf.Tensor[]) => {
      const w = Object.fromEntries(names.map((n, i) => [n, ts[i]!])) as Named;
      return block(w, ids, mask, 2);
    };
    return tf.valueAndGrads(f)(tensors);
  });
  const result = {
    loss: (await value.data())[0]!,
    grads: Object.fromEntries(
      await Promise.all(names.map(async (n, i) => [n, await grads[i]!.data()] as const)),
    ) as Record<string, Float32Array>,
  };
  tf.dispose([value, ...grads, ...tensors, ids, mask]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}
