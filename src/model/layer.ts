/**
 * One post-LN BERT transformer layer: self-attention, residual + LayerNorm, then the
 * feed-forward block (intermediate dense, exact erf GELU, output dense), residual +
 * LayerNorm. Equal to PyTorch's `nn.TransformerEncoderLayer(norm_first=False,
 * activation='gelu')` and Hugging Face's `BertLayer` in eval mode (no dropout).
 */
import * as tf from '@tensorflow/tfjs';
import { geluExact, layerNorm, linear } from '../backend/index.js';
import { selfAttention } from './attention.js';
import { layerName, w1, w2, type Encoder } from './weights.js';

/** x [B, L, H] → [B, L, H]; `bias` is attentionBias(mask), [B, 1, 1, L]. */
export function transformerLayer(
  encoder: Encoder,
  layer: number,
  x: tf.Tensor3D,
  bias: tf.Tensor4D,
): tf.Tensor3D {
  const eps = encoder.config.layerNormEps;
  const name = (suffix: string): string => layerName(layer, suffix);
  return tf.tidy(() => {
    const attended = selfAttention(encoder, layer, x, bias); // [B, L, H]
    const a = layerNorm(
      tf.add(x, attended),
      w1(encoder, name('attention.output.LayerNorm.weight')),
      w1(encoder, name('attention.output.LayerNorm.bias')),
      eps,
    ); // [B, L, H]
    const inner = geluExact(
      linear(
        a,
        w2(encoder, name('intermediate.dense.weight')),
        w1(encoder, name('intermediate.dense.bias')),
      ),
    ); // [B, L, I]
    const out = linear(
      inner,
      w2(encoder, name('output.dense.weight')),
      w1(encoder, name('output.dense.bias')),
    ); // [B, L, H]
    return layerNorm(
      tf.add(a, out),
      w1(encoder, name('output.LayerNorm.weight')),
      w1(encoder, name('output.LayerNorm.bias')),
      eps,
    ) as tf.Tensor3D; // [B, L, H]
  });
}
