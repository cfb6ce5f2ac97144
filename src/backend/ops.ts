/**
 * Tensor ops the model code uses instead of the raw tfjs ones, so training is fast on wasm.
 *
 * tfjs' `matMul` gradient multiplies with `transposeA`/`transposeB` set, and on the wasm
 * backend those flags leave XNNPACK's fast path (20–35x slower, measured). These ops never
 * pass the flags: they transpose explicitly (a cheap memory copy) and multiply plainly, in
 * the forward pass and in the gradient. On the native and cpu backends they compute the
 * same values; the gradients are the textbook ones (dA = dY·Bᵀ, dB = Aᵀ·dY).
 *
 * They do not fuse attention. Every op is a standard tfjs op but GELU, which runs as one
 * SIMD pass each way on wasm (gelu-wasm.ts, within float32 rounding of the formula).
 */
import * as tf from '@tensorflow/tfjs';
import { geluBackward, geluForward } from './gelu-wasm.js';

/** Swaps the last two axes: [..., m, n] → [..., n, m]. */
export function transposeLast2(x: tf.Tensor): tf.Tensor {
  const rank = x.rank;
  if (rank < 2) throw new Error(`transposeLast2: need rank ≥ 2, got shape [${x.shape.join(', ')}]`);
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return tf.transpose(x, perm);
}

/** Sums `grad` over the leading axes that broadcasting added, so it matches `shape`. */
function reduceToShape(grad: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const extra = grad.rank - shape.length;
  let g = grad;
  if (extra > 0) g = tf.sum(g, [...Array(extra).keys()]);
  const axes: number[] = [];
  shape.forEach((d, i) => {
    if (d === 1 && g.shape[i] !== 1) axes.push(i);
  });
  if (axes.length > 0) g = tf.sum(g, axes, true);
  return g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])
    ? g
    : tf.reshape(g, [...shape]);
}

const plainMatMul = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    // tfjs does not tidy a custom gradient's intermediates until the whole backward pass
    // ends; untidied, every weight's transposed copy stayed alive to the end of it.
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
        // dA = dY·Bᵀ, dB = Aᵀ·dY — explicit transposes keep wasm on its fast path.
        const da = reduceToShape(tf.matMul(dy, transposeLast2(sb)), sa.shape);
        const db = reduceToShape(tf.matMul(transposeLast2(sa), dy), sb.shape);
        return [da, db];
      }),
  };
});

/**
 * a·b (optionally a·bᵀ) for rank-2 or batched operands with equal batch dimensions,
 * with a wasm-friendly gradient.
 */
export function matMul(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  const right = transposeB ? transposeLast2(b) : b;
  return plainMatMul(a, right) as tf.Tensor;
}

/**
 * A dense layer y = x·W + b over the last axis. `weightInOut` is [in, out]: PyTorch's
 * [out, in] weight transposed once at load time (see model/weights), not per call.
 */
export function linear(x: tf.Tensor, weightInOut: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  const [inDim, outDim] = weightInOut.shape;
  const lead = x.shape.slice(0, -1);
  if (x.shape[x.rank - 1] !== inDim) {
    throw new Error(`linear: input's last axis is ${x.shape[x.rank - 1]}, weight expects ${inDim}`);
  }
  const x2 = tf.reshape(x, [-1, inDim]); // [N, in]
  let y = matMul(x2, weightInOut); // [N, out]
  if (bias) y = tf.add(y, bias);
  return tf.reshape(y, [...lead, outDim]);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Exact GELU, 0.5·x·(1 + erf(x/√2)), as BERT and PyTorch's default `gelu`. Its gradient,
 * Φ(x) + x·φ(x), is written out and keeps only x for the backward pass: tfjs' own
 * gradient of the four ops would keep four [B, L, I] tensors, the largest of a layer. On
 * wasm both directions are one SIMD pass each (gelu-wasm.ts).
 */
export const geluExact = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value:
      geluForward(x) ??
      tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const sx = saved[0]!;
      const fused = geluBackward(sx, dy);
      if (fused) return [fused];
      return tf.tidy(() => {
        const cdf = tf.mul(tf.add(tf.erf(tf.mul(sx, Math.SQRT1_2)), 1), 0.5); // Φ(x)
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(sx), -0.5)), INV_SQRT_2PI); // φ(x)
        return [tf.mul(dy, tf.add(cdf, tf.mul(sx, pdf)))];
      });
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * LayerNorm over the last axis with biased variance, as PyTorch's `nn.LayerNorm`. The
 * gradient is written out (dx = r·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ, x̂ the
 * normalised input, r = 1/√(var + eps)) and keeps x̂ and r, where tfjs' gradients of the
 * nine ops of the formula would keep about seven [B, L, H] tensors.
 */
export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps = 1e-12,
): tf.Tensor {
  return layerNormOp(eps)(x, gamma, beta);
}

const layerNormOps = new Map<number, (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor>();

/** The LayerNorm op for one eps (customGrad takes tensors only, so eps is closed over). */
function layerNormOp(eps: number): (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  let op = layerNormOps.get(eps);
  if (op === undefined) {
    op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const axis = x.rank - 1;
      const { normalized, rstd } = tf.tidy(() => {
        const centered = tf.sub(x, tf.mean(x, axis, true));
        const r = tf.rsqrt(tf.add(tf.mean(tf.square(centered), axis, true), eps));
        return { normalized: tf.mul(centered, r), rstd: r };
      });
      save([normalized, rstd, gamma]);
      const value = tf.tidy(() => tf.add(tf.mul(normalized, gamma), beta));
      tf.dispose([normalized, rstd]); // saved copies live on for the backward pass
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.tidy(() => {
            const [xHat, r, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
            const lead = [...Array(axis).keys()]; // every axis but the last
            const dGamma = tf.sum(tf.mul(dy, xHat), lead);
            const dBeta = tf.sum(dy, lead);
            const dxHat = tf.mul(dy, g);
            const dx = tf.mul(
              tf.sub(
                tf.sub(dxHat, tf.mean(dxHat, axis, true)),
                tf.mul(xHat, tf.mean(tf.mul(dxHat, xHat), axis, true)),
              ),
              r,
            );
            return [dx, dGamma, dBeta];
          }),
      };
    }) as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
    layerNormOps.set(eps, op);
  }
  return op;
}

/**
 * Rows of `table` for `ids` (an embedding lookup). Its gradient is a scatter-add
 * (`UnsortedSegmentSum`), which kalelab registers for wasm (see kernels.ts).
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  return tf.gather(table, ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'));
}
