/**
 * One contrastive forward/backward pass of a dual encoder on a text batch: tokenize
 * (query and passage lengths apart) → token tensors → embed both sides → contrastive loss
 * → gradients w.r.t. every named parameter. No update: the trainer accumulates, clips and
 * steps the optimiser. Shared by the training loop and the throughput benchmark.
 */
import * as tf from '@tensorflow/tfjs';
import {
  disposeTokenBatch,
  embed,
  encoderFlops,
  toTokenBatch,
  type Pooling,
  type TokenBatch,
} from '../model/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import type { TrainingBatch } from './batches.js';
import {
  contrastiveLoss,
  shardContrastiveLoss,
  type ContrastiveLossOptions,
  type ShardedEmbeddings,
} from './contrastive-loss.js';
import type { DualEncoder } from './dual-encoder.js';
import type { NamedVariable } from './optimizer.js';

export interface StepOptions extends ContrastiveLossOptions {
  readonly qMaxLen: number;
  readonly pMaxLen: number;
  readonly pooling: Pooling;
}

export interface StepResult {
  readonly loss: number;
  /** Gradients by parameter name; the caller disposes them. */
  readonly grads: Map<string, tf.Tensor>;
  /** Real (unpadded) tokens and padded tokens the step ran on, for throughput. */
  readonly tokens: number;
  readonly paddedTokens: number;
  /** Matrix-product FLOPs of the step: 3× the forward of both encoders (model/flops.ts). */
  readonly flops: number;
}

/**
 * Loss and gradients for token tensors already built: q [B, Lq], p [B(1+n), Lp]. Does not
 * dispose the batches. Gradients are keyed by parameter name; the caller disposes them.
 */
export function contrastiveGradients(
  dual: DualEncoder,
  q: TokenBatch,
  p: TokenBatch,
  params: readonly NamedVariable[],
  options: ContrastiveLossOptions & { readonly pooling: Pooling },
): { loss: number; grads: Map<string, tf.Tensor> } {
  return namedGradients(params, () =>
    contrastiveLoss(
      embed(dual.query, q, options.pooling), // [B, H]
      embed(dual.passage, p, options.pooling), // [B(1+n), H]
      lossOptions(options),
    ),
  );
}

/**
 * A data-parallel worker's share of the gradient (data-parallel-worker.ts): q and p are
 * this shard's token tensors; `exchange` publishes the shard's embeddings (host copies) and
 * returns the whole batch's, synchronously (it blocks until every shard's are there). The
 * loss is the full batch's (`shardContrastiveLoss`); the gradients are this shard's part.
 */
export function shardGradients(
  dual: DualEncoder,
  q: TokenBatch,
  p: TokenBatch,
  params: readonly NamedVariable[],
  options: ContrastiveLossOptions & { readonly pooling: Pooling },
  exchange: (queries: Float32Array, passages: Float32Array) => ShardedEmbeddings,
): { loss: number; grads: Map<string, tf.Tensor> } {
  return namedGradients(params, () => {
    const qEmb = embed(dual.query, q, options.pooling); // [b, H]
    const pEmb = embed(dual.passage, p, options.pooling); // [b(1+n), H]
    const all = exchange(qEmb.dataSync() as Float32Array, pEmb.dataSync() as Float32Array);
    return shardContrastiveLoss(qEmb, pEmb, all, lossOptions(options));
  });
}

function lossOptions(options: ContrastiveLossOptions): ContrastiveLossOptions {
  return {
    similarity: options.similarity,
    scale: options.scale,
    temperature: options.temperature,
    nHard: options.nHard,
  };
}

/** The value of `loss` and its gradients w.r.t. `params`, keyed by parameter name. */
function namedGradients(
  params: readonly NamedVariable[],
  loss: () => tf.Scalar,
): { loss: number; grads: Map<string, tf.Tensor> } {
  const { value, grads } = tf.variableGrads(
    loss,
    params.map((x) => x.variable),
  );
  const lossValue = value.dataSync()[0]!;
  value.dispose();
  // tfjs keys gradients by variable name; map them back to parameter names.
  const byVar = new Map(params.map((x) => [x.variable.name, x.name]));
  const named = new Map<string, tf.Tensor>();
  for (const [varName, g] of Object.entries(grads)) {
    const name = byVar.get(varName);
    if (name === undefined) g.dispose();
    else named.set(name, g);
  }
  return { loss: lossValue, grads: named };
}

/** Tokenize a text batch, then `contrastiveGradients` (see file header). */
export function contrastiveStep(
  dual: DualEncoder,
  tokenizer: WordPieceTokenizer,
  batch: TrainingBatch,
  params: readonly NamedVariable[],
  options: StepOptions,
): StepResult {
  const qEnc = tokenizer.encodeBatch(batch.queries, { maxLength: options.qMaxLen });
  const pEnc = tokenizer.encodeBatch(batch.passages, { maxLength: options.pMaxLen });
  const q = toTokenBatch(qEnc); // [B, Lq]
  const p = toTokenBatch(pEnc); // [B(1+n), Lp]
  try {
    const { loss, grads } = contrastiveGradients(dual, q, p, params, options);
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    return {
      loss,
      grads,
      tokens: sum(qEnc.lengths) + sum(pEnc.lengths),
      paddedTokens: qEnc.batchSize * qEnc.seqLen + pEnc.batchSize * pEnc.seqLen,
      flops:
        3 *
        (encoderFlops(dual.query.config, qEnc.batchSize, qEnc.seqLen) +
          encoderFlops(dual.passage.config, pEnc.batchSize, pEnc.seqLen)),
    };
  } finally {
    disposeTokenBatch(q);
    disposeTokenBatch(p);
  }
}
