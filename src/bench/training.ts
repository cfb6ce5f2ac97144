/**
 * Training throughput for `kalelab bench`: full optimiser steps of a dual encoder
 * (forward and backward of both encoders, contrastive loss, clipping, AdamW) on synthetic
 * fixed-length token batches, so the number measures the step, not the data pipeline.
 * Each row says the backend and threads it ran on; training-peers.ts runs the same shapes
 * on one thread and on every core (child processes: threads are fixed per process) and in
 * PyTorch on CPU (bench/train_throughput_torch.py, the same shapes).
 */
import * as tf from '@tensorflow/tfjs';
import { activeBackend } from '../backend/index.js';
import {
  BERT_BASE,
  encoderFlops,
  type BertConfig,
  type Pooling,
  type TokenBatch,
} from '../model/index.js';
import {
  AdamW,
  clipCoefficient,
  contrastiveGradients,
  createDualEncoder,
  disposeDualEncoder,
  dualParameters,
  globalNorm,
} from '../train/index.js';

export interface TrainingShape {
  readonly preset: 'quick' | 'bert-base';
  readonly config: BertConfig;
  readonly batch: number;
  readonly nHard: number;
  readonly qLen: number;
  readonly pLen: number;
  /** Default 'cls'. */
  readonly pooling?: Pooling;
  /**
   * One shared encoder: BERT-base untied (2 × 110M weights + AdamW state) overflows wasm's
   * 4 GiB heap; tied, 2 queries a step fit (the heap reaches 3.3-3.7 GiB).
   */
  readonly tied?: boolean;
}

export interface TrainingBench {
  readonly preset: string;
  /** 'kalelab' here; 'pytorch' for the peer rows of training-peers.ts. */
  readonly framework: 'kalelab' | 'pytorch';
  /** The tfjs backend ('wasm', ...), or 'cpu' for PyTorch. */
  readonly backend: string;
  readonly threads: number;
  /** Data-parallel worker threads (training-parallel.ts), each on `threads`; 1: none. */
  readonly workers: number;
  readonly hidden: number;
  readonly layers: number;
  readonly batch: number;
  readonly tied: boolean;
  readonly secondsPerStep: number;
  readonly examplesPerSecond: number;
  readonly tokensPerSecond: number;
  /** 3 × forward matrix-product FLOPs per step / step time (kalelab rows). */
  readonly gflops?: number;
}

export const TRAINING_SHAPES: readonly TrainingShape[] = Object.freeze([
  {
    // The quick training preset's model (H 128 x 2, mean pooling), as the PyTorch peer's.
    preset: 'quick',
    config: {
      ...BERT_BASE,
      vocabSize: 16384,
      hiddenSize: 128,
      numHiddenLayers: 2,
      numAttentionHeads: 2,
      intermediateSize: 512,
      maxPositionEmbeddings: 64,
    },
    batch: 32,
    nHard: 1,
    qLen: 16,
    pLen: 32,
    pooling: 'mean',
  },
  {
    preset: 'bert-base',
    config: BERT_BASE,
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
      pooling: shape.pooling ?? 'cls',
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
    const backend = activeBackend();
    return {
      preset: shape.preset,
      framework: 'kalelab',
      backend: backend?.name ?? tf.getBackend(),
      threads: backend?.threads ?? 1,
      workers: 1,
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
