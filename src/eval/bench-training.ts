/**
 * Training throughput for `kalelab bench`: full optimiser steps of a dual encoder
 * (forward and backward of both encoders, contrastive loss, clipping, AdamW) on synthetic
 * fixed-length token batches, so the number measures the step, not the data pipeline.
 */
import * as tf from '@tensorflow/tfjs';
import { encoderFlops, type BertConfig, type TokenBatch } from '../model/index.js';
import {
  AdamW,
  clipCoefficient,
  contrastiveGradients,
  createDualEncoder,
  disposeDualEncoder,
  dualParameters,
  globalNorm,
} from '../train/index.js';
import { BERT_BASE_SHAPE } from './benchmarks.js';

export interface TrainingShape {
  readonly preset: 'quick' | 'bert-base';
  readonly config: BertConfig;
  readonly batch: number;
  readonly nHard: number;
  readonly qLen: number;
  readonly pLen: number;
  /**
   * One shared encoder: BERT-base untied (2 × 110M weights + AdamW state) overflows wasm's
   * 4 GiB heap; tied, 2 queries a step fit (the heap reaches 3.3-3.7 GiB).
   */
  readonly tied?: boolean;
}

export interface TrainingBench {
  readonly preset: string;
  readonly hidden: number;
  readonly layers: number;
  readonly batch: number;
  readonly tied: boolean;
  readonly secondsPerStep: number;
  readonly examplesPerSecond: number;
  readonly tokensPerSecond: number;
  /** 3 × forward matrix-product FLOPs per step / step time. */
  readonly gflops: number;
}

export const TRAINING_SHAPES: readonly TrainingShape[] = Object.freeze([
  {
    preset: 'quick',
    config: {
      ...BERT_BASE_SHAPE,
      vocabSize: 8192,
      hiddenSize: 64,
      numHiddenLayers: 4,
      numAttentionHeads: 2,
      intermediateSize: 256,
      maxPositionEmbeddings: 64,
    },
    batch: 32,
    nHard: 1,
    qLen: 16,
    pLen: 32,
  },
  {
    preset: 'bert-base',
    config: BERT_BASE_SHAPE,
    batch: 2,
    nHard: 1,
    qLen: 32,
    pLen: 64,
    tied: true,
  },
]);

function tokenBatch(rows: number, len: number, vocab: number): TokenBatch {
  const ids = tf.randomUniform([rows, len], 5, vocab, 'int32', 5) as tf.Tensor2D;
  return { inputIds: ids, attentionMask: tf.onesLike(ids) as tf.Tensor2D };
}

/** Median time of `steps` training steps (after one warm-up step) for `shape`. */
export function benchTraining(shape: TrainingShape, steps = 3): TrainingBench {
  const dual = createDualEncoder({ config: shape.config, seed: 1, tied: shape.tied ?? false });
  const params = dualParameters(dual);
  const optimizer = new AdamW(params, { weightDecay: 0.01 });
  const nP = shape.batch * (1 + shape.nHard);
  const q = tokenBatch(shape.batch, shape.qLen, shape.config.vocabSize);
  const p = tokenBatch(nP, shape.pLen, shape.config.vocabSize);
  const step = (): void => {
    const { grads } = contrastiveGradients(dual, q, p, params, {
      pooling: 'cls',
      nHard: shape.nHard,
    });
    // As the trainer: the clip factor scales the update, no clipped copies are made.
    optimizer.applyGradients(grads, 1e-4, clipCoefficient(globalNorm(grads), 1));
    tf.dispose([...grads.values()]);
  };
  try {
    step();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      step();
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1]!;
    const tokens = shape.batch * shape.qLen + nP * shape.pLen;
    const flops =
      3 *
      (encoderFlops(shape.config, shape.batch, shape.qLen) +
        encoderFlops(shape.config, nP, shape.pLen));
    return {
      preset: shape.preset,
      hidden: shape.config.hiddenSize,
      layers: shape.config.numHiddenLayers,
      batch: shape.batch,
      tied: shape.tied ?? false,
      secondsPerStep: Math.round(median * 1000) / 1000,
      examplesPerSecond: Math.round((shape.batch / median) * 100) / 100,
      tokensPerSecond: Math.round(tokens / median),
      gflops: Math.round((flops / median / 1e9) * 100) / 100,
    };
  } finally {
    tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask]);
    optimizer.dispose();
    disposeDualEncoder(dual);
  }
}
