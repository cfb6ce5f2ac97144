/**
 * The teacher's side of alignment: its pooled embeddings of the queries, computed without a
 * gradient (outside any tape, inside tf.tidy). Either all at once into host memory (the
 * teacher is frozen, so these are exact and each is computed once), or per batch on demand.
 *
 * With an inference engine (`TeacherEngine`: ONNX Runtime over a snapshot of the teacher)
 * the same batches go through the engine instead; its forward is asynchronous, so the
 * per-batch source fetches a step's rows ahead (`prefetch`) and `rows` hands them out.
 * `chooseTargets` picks the source a run uses (KaleOptions.teacherTargets).
 *
 * It never writes to the teacher's variables.
 */
import * as tf from '@tensorflow/tfjs';
import {
  embed,
  encoderFlops,
  toTokenBatch,
  type BatchEmbedder,
  type BertConfig,
  type Encoder,
  type Pooling,
} from '../model/index.js';
import type { EncodedBatch } from '../text/index.js';
import type { ResolvedKaleOptions } from './options.js';

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
  /**
   * Engine sources only: computes the rows `indices` ahead, so that a following `rows` of
   * them is synchronous. Sources without it compute in `rows`.
   */
  prefetch?(indices: readonly number[]): Promise<void>;
}

/**
 * The teacher on an inference engine: its pooled vectors of a padded batch ([b·H]) and its
 * config (for FLOPs). Pooling is the engine's; it must be alignment's.
 */
export interface TeacherEngine {
  readonly embedBatch: BatchEmbedder;
  readonly config: BertConfig;
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

/** One batch of the teacher's pooled vectors on the host, [b·H], and its FLOPs. */
type HostBatch = (
  texts: readonly string[],
) => Promise<{ values: Float32Array; flops: number }> | { values: Float32Array; flops: number };

/** All of `queries`' targets in host memory, [N·H] row-major, `chunk` queries a batch. */
async function precomputeWith(
  queries: readonly string[],
  H: number,
  chunk: number,
  batch: HostBatch,
): Promise<TargetSource> {
  const all = new Float32Array(queries.length * H); // [N, H]
  let flops = 0;
  for (let start = 0; start < queries.length; start += chunk) {
    const part = await batch(queries.slice(start, start + chunk));
    all.set(part.values, start * H);
    flops += part.flops;
  }
  return { precomputed: true, flops: () => flops, rows: (indices) => gather(all, indices, H) };
}

/** All teacher embeddings in host memory, [N·H] row-major, computed in chunks of `chunk`. */
export function precomputeTargets(
  teacher: Encoder,
  tokenizer: QueryTokenizer,
  queries: readonly string[],
  maxLength: number,
  pooling: Pooling,
  chunk: number,
): Promise<TargetSource> {
  return precomputeWith(queries, teacher.config.hiddenSize, chunk, (texts) => {
    const part = teacherBatch(teacher, tokenizer, texts, maxLength, pooling);
    const values = part.embeddings.dataSync() as Float32Array; // [b·H]
    part.embeddings.dispose();
    return { values, flops: part.flops };
  });
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

/** Host rows [B·H] of `indices` out of `all` [N·H]. */
function gather(all: Float32Array, indices: readonly number[], H: number): tf.Tensor2D {
  const out = new Float32Array(indices.length * H); // [B, H]
  indices.forEach((q, r) => out.set(all.subarray(q * H, (q + 1) * H), r * H));
  return tf.tensor2d(out, [indices.length, H]);
}

/** One batch of `texts` on `engine`: [b·H] on the host, and its FLOPs. */
async function engineBatch(
  engine: TeacherEngine,
  tokenizer: QueryTokenizer,
  texts: readonly string[],
  maxLength: number,
): Promise<{ values: Float32Array; flops: number }> {
  const encoded = tokenizer.encodeBatch(texts, { maxLength }); // padded as teacherBatch pads
  const values = await engine.embedBatch(encoded); // [b·H]
  return { values, flops: encoderFlops(engine.config, encoded.batchSize, encoded.seqLen) };
}

/** precomputeTargets with the forward passes on `engine`. */
export function precomputeTargetsOn(
  engine: TeacherEngine,
  tokenizer: QueryTokenizer,
  queries: readonly string[],
  maxLength: number,
  chunk: number,
): Promise<TargetSource> {
  return precomputeWith(queries, engine.config.hiddenSize, chunk, (texts) =>
    engineBatch(engine, tokenizer, texts, maxLength),
  );
}

/**
 * onDemandTargets with the forward passes on `engine`: `prefetch(indices)` computes those
 * rows (one batch, as the tfjs source would in `rows`); `rows` returns prefetched rows.
 * Only the last two batches are kept (a step's own queries and its partners).
 */
export function onDemandTargetsOn(
  engine: TeacherEngine,
  tokenizer: QueryTokenizer,
  queries: readonly string[],
  maxLength: number,
): TargetSource {
  const H = engine.config.hiddenSize;
  let flops = 0;
  const ready = new Map<string, Float32Array>();
  const keyOf = (indices: readonly number[]) => indices.join(',');
  return {
    precomputed: false,
    flops: () => flops,
    async prefetch(indices) {
      if (indices.length === 0 || ready.has(keyOf(indices))) return;
      const texts = indices.map((i) => queries[i]!);
      const part = await engineBatch(engine, tokenizer, texts, maxLength);
      flops += part.flops;
      ready.set(keyOf(indices), part.values);
      if (ready.size > 2) ready.delete(ready.keys().next().value!);
    },
    rows(indices) {
      const values = ready.get(keyOf(indices));
      if (values === undefined) {
        throw new Error(
          `teacher targets: rows [${keyOf(indices).slice(0, 40)}] were not prefetched (engine targets need prefetch before rows)`,
        );
      }
      return tf.tensor2d(values, [indices.length, H]);
    },
  };
}

/**
 * The target source a run uses: precomputed when asked, or ('auto') when they fit in
 * `precomputeLimitMiB` and the run covers an epoch; on `engine` when given, else tfjs.
 */
export async function chooseTargets(
  teacher: Encoder,
  tokenizer: QueryTokenizer,
  queries: readonly string[],
  o: ResolvedKaleOptions,
  coversAnEpoch: boolean,
  engine: TeacherEngine | undefined,
): Promise<TargetSource> {
  const mib = (queries.length * teacher.config.hiddenSize * 4) / 2 ** 20;
  // Precomputing pays off when queries come back; a run shorter than an epoch visits each
  // at most once, so per batch computes only the teacher targets it uses.
  const precompute =
    o.teacherTargets === 'precompute' ||
    (o.teacherTargets === 'auto' && mib <= o.precomputeLimitMiB && coversAnEpoch);
  if (engine !== undefined) {
    return precompute
      ? precomputeTargetsOn(engine, tokenizer, queries, o.maxLength, o.batchSize)
      : onDemandTargetsOn(engine, tokenizer, queries, o.maxLength);
  }
  return precompute
    ? precomputeTargets(teacher, tokenizer, queries, o.maxLength, o.pooling, o.batchSize)
    : onDemandTargets(teacher, tokenizer, queries, o.maxLength, o.pooling);
}
