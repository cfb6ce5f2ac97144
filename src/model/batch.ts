/**
 * `TokenBatch`: a tokenised batch as tensors, the encoder's input. Converts the tokenizer's
 * row-major `EncodedBatch` (src/text) into int32 tensors and frees them again.
 *
 * It does not tokenise (src/text does) or pad (the tokenizer pads on the right with id 0).
 */
import * as tf from '@tensorflow/tfjs';
import type { EncodedBatch } from '../text/index.js';

export interface TokenBatch {
  /** int32 [B, L] */
  readonly inputIds: tf.Tensor2D;
  /** [B, L], 1 for real tokens, 0 for padding (int32 or float32) */
  readonly attentionMask: tf.Tensor2D;
  /** int32 [B, L]; all 0 when absent */
  readonly tokenTypeIds?: tf.Tensor2D;
}

/** Tensors for `batch`; the caller frees them with `disposeTokenBatch`. */
export function toTokenBatch(batch: EncodedBatch): TokenBatch {
  const shape: [number, number] = [batch.batchSize, batch.seqLen];
  const size = batch.batchSize * batch.seqLen;
  for (const field of ['inputIds', 'attentionMask', 'tokenTypeIds'] as const) {
    if (batch[field].length !== size) {
      throw new Error(
        `toTokenBatch: ${field} has ${batch[field].length} values, expected batchSize×seqLen = ${batch.batchSize}×${batch.seqLen}`,
      );
    }
  }
  return {
    inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
    attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
    tokenTypeIds: tf.tensor2d(batch.tokenTypeIds, shape, 'int32'),
  };
}

export function disposeTokenBatch(batch: TokenBatch): void {
  batch.inputIds.dispose();
  batch.attentionMask.dispose();
  batch.tokenTypeIds?.dispose();
}

/** Throws unless the batch's tensors are [B, L] with equal shapes. Returns [B, L]. */
export function batchShape(batch: TokenBatch): [number, number] {
  const ids = batch.inputIds;
  if (ids.rank !== 2) {
    throw new Error(`TokenBatch.inputIds must be [B, L], got [${ids.shape.join(', ')}]`);
  }
  const [b, l] = ids.shape;
  for (const field of ['attentionMask', 'tokenTypeIds'] as const) {
    const t = batch[field];
    if (t !== undefined && (t.rank !== 2 || t.shape[0] !== b || t.shape[1] !== l)) {
      throw new Error(
        `TokenBatch.${field} has shape [${t.shape.join(', ')}], inputIds has [${b}, ${l}]`,
      );
    }
  }
  return [b, l];
}
