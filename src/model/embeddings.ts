/**
 * BERT's embedding block: word + absolute position + token type embeddings, summed, then
 * LayerNorm. Positions are 0..L-1 (right padding, as the tokenizer produces).
 *
 * No dropout (kalelab's encoder is deterministic) and no position offset (that is RoBERTa).
 */
import * as tf from '@tensorflow/tfjs';
import { embeddingLookup, layerNorm } from '../backend/index.js';
import { batchShape, type TokenBatch } from './batch.js';
import { w1, w2, type Encoder } from './weights.js';

/** The embedding output x0: [B, L, H]. */
export function embeddings(encoder: Encoder, batch: TokenBatch): tf.Tensor3D {
  const { hiddenSize: H, maxPositionEmbeddings, layerNormEps } = encoder.config;
  const [, L] = batchShape(batch);
  if (L > maxPositionEmbeddings) {
    throw new Error(
      `sequence length ${L} exceeds max_position_embeddings ${maxPositionEmbeddings}: truncate the input`,
    );
  }
  return tf.tidy(() => {
    const words = embeddingLookup(w2(encoder, 'embeddings.word_embeddings.weight'), batch.inputIds); // [B, L, H]
    const types =
      batch.tokenTypeIds !== undefined
        ? embeddingLookup(
            w2(encoder, 'embeddings.token_type_embeddings.weight'),
            batch.tokenTypeIds,
          ) // [B, L, H]
        : tf.slice(w2(encoder, 'embeddings.token_type_embeddings.weight'), [0, 0], [1, H]); // [1, H], type 0
    const positions = tf.slice(
      w2(encoder, 'embeddings.position_embeddings.weight'),
      [0, 0],
      [L, H],
    ); // [L, H]
    const sum = tf.add(tf.add(words, types), positions); // [B, L, H]
    return layerNorm(
      sum,
      w1(encoder, 'embeddings.LayerNorm.weight'),
      w1(encoder, 'embeddings.LayerNorm.bias'),
      layerNormEps,
    ) as tf.Tensor3D;
  });
}
