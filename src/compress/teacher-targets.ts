/**
 * The teacher's side of alignment: its pooled embeddings of the queries, computed without a
 * gradient (outside any tape, inside tf.tidy). Either all at once into host memory (the
 * teacher is frozen, so these are exact and each is computed once), or per batch on demand.
 *
 * It never writes to the teacher's variables.
 */
import * as tf from '@tensorflow/tfjs';
import { embed, encoderFlops, toTokenBatch, type Encoder, type Pooling } from '../model/index.js';
import type { EncodedBatch } from '../text/index.js';

/** What alignment needs from a tokenizer (a `WordPieceTokenizer` has it). */
export interface QueryTokenizer {
  encodeBatch(
    texts: readonly string[],
    options?: { maxLength?: number; padTo?: 'longest' | number },
  ): EncodedBatch;
}

export interface TargetSource {
  /** Teacher embeddings of `indices`: [B, H], a new tensor the caller owns. */
  rows(indices: readonly number[]): tf.Tensor2D;
  /** Whether the targets were precomputed (for the report). */
  readonly precomputed: boolean;
  /** Teacher forward FLOPs spent so far (matrix products, see model/flops.ts). */
  flops(): number;
}

/**
 * The teacher's pooled embeddings [B, H] of one batch of `texts`, as a tensor the caller
 * owns (no gradient recorded), and the FLOPs it took. (model's `embedTexts` is the
 * general texts → host vectors routine; this one keeps the batch on the backend.)
 */
function teacherBatch(
  encoder: Encoder,
  tokenizer: QueryTokenizer,
  texts: readonly string[],
  maxLength: number,
  pooling: Pooling,
): { embeddings: tf.Tensor2D; flops: number } {
  const encoded = tokenizer.encodeBatch(texts, { maxLength });
  const embeddings = tf.tidy(() => embed(encoder, toTokenBatch(encoded), pooling)); // [B, H]
  return { embeddings, flops: encoderFlops(encoder.config, encoded.batchSize, encoded.seqLen) };
}

/** All teacher embeddings in host memory, [N·H] row-major, computed in chunks of `chunk`. */
export function precomputeTargets(
  teacher: Encoder,
  tokenizer: QueryTokenizer,
  queries: readonly string[],
  maxLength: number,
  pooling: Pooling,
  chunk: number,
): TargetSource {
  const H = teacher.config.hiddenSize;
  const all = new Float32Array(queries.length * H); // [N, H]
  let flops = 0;
  for (let start = 0; start < queries.length; start += chunk) {
    const texts = queries.slice(start, start + chunk);
    const part = teacherBatch(teacher, tokenizer, texts, maxLength, pooling);
    all.set(part.embeddings.dataSync() as Float32Array, start * H);
    part.embeddings.dispose();
    flops += part.flops;
  }
  return {
    precomputed: true,
    flops: () => flops,
    rows(indices) {
      const out = new Float32Array(indices.length * H); // [B, H]
      indices.forEach((q, r) => out.set(all.subarray(q * H, (q + 1) * H), r * H));
      return tf.tensor2d(out, [indices.length, H]);
    },
  };
}

/** Teacher embeddings computed when asked, batch by batch. */
export function onDemandTargets(
  teacher: Encoder,
  tokenizer: QueryTokenizer,
  queries: readonly string[],
  maxLength: number,
  pooling: Pooling,
): TargetSource {
  let flops = 0;
  return {
    precomputed: false,
    flops: () => flops,
    rows(indices) {
      const texts = indices.map((i) => queries[i]!);
      const part = teacherBatch(teacher, tokenizer, texts, maxLength, pooling);
      flops += part.flops;
      return part.embeddings;
    },
  };
}
