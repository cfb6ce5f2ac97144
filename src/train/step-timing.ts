/**
 * The time of real training steps of a dual encoder of a given shape: forward and backward
 * of both encoders, contrastive loss, global-norm clipping and AdamW, on random
 * fixed-length token batches (a step's cost depends on the shapes, not on which tokens).
 * Shared by the training benchmark (bench/training.ts) and the grid's time estimate
 * (experiment/estimate.ts), so both measure the same step.
 *
 * It builds and frees its own model; it does not train anything that is kept.
 */
import * as tf from '@tensorflow/tfjs';
import { encoderFlops, type BertConfig, type Pooling, type TokenBatch } from '../model/index.js';
import { createDualEncoder, disposeDualEncoder, dualParameters } from './dual-encoder.js';
import { AdamW, clipCoefficient, globalNorm } from './optimizer.js';
import { contrastiveGradients } from './step.js';

export interface StepShape {
  readonly config: BertConfig;
  /** Queries per step, B. */
  readonly batch: number;
  /** Hard negatives per query: a step encodes B·(1+nHard) passages. */
  readonly nHard: number;
  /** Tokens per query and per passage (every row padded to these). */
  readonly qLen: number;
  readonly pLen: number;
  /** Default 'cls'. */
  readonly pooling?: Pooling;
  /** One shared encoder for queries and passages. Default false. */
  readonly tied?: boolean;
}

export interface StepTiming {
  /** Median wall seconds of the timed steps (the warm-up step not counted). */
  readonly medianSeconds: number;
  /** Matrix-product FLOPs of one step: 3× the forward of both encoders (model/flops.ts). */
  readonly flops: number;
  /** Tokens of one step, queries and passages. */
  readonly tokens: number;
}

function randomTokens(rows: number, len: number, vocab: number, seed: number): TokenBatch {
  const ids = tf.randomUniform([rows, len], 5, vocab, 'int32', seed) as tf.Tensor2D; // [rows, len]
  return { inputIds: ids, attentionMask: tf.onesLike(ids) as tf.Tensor2D };
}

/** One step's matrix-product FLOPs (3× the forward of both encoders) and tokens. */
export function stepCost(shape: StepShape): Omit<StepTiming, 'medianSeconds'> {
  const { config, batch, nHard, qLen, pLen } = shape;
  const nP = batch * (1 + nHard);
  return {
    flops: 3 * (encoderFlops(config, batch, qLen) + encoderFlops(config, nP, pLen)),
    tokens: batch * qLen + nP * pLen,
  };
}

/** Median time of `steps` training steps of `shape`, after one warm-up step. */
export function timeTrainingSteps(shape: StepShape, steps: number): StepTiming {
  if (!Number.isInteger(steps) || steps < 1)
    throw new Error(`timeTrainingSteps: steps must be a positive integer, got ${steps}`);
  const { config, batch, nHard, qLen, pLen } = shape;
  const nP = batch * (1 + nHard);
  const dual = createDualEncoder({ config, seed: 1, tied: shape.tied ?? false });
  const params = dualParameters(dual);
  const optimizer = new AdamW(params, { weightDecay: 0.01 });
  const q = randomTokens(batch, qLen, config.vocabSize, 1); // [B, Lq]
  const p = randomTokens(nP, pLen, config.vocabSize, 2); // [B(1+n), Lp]
  const step = (): void => {
    const { grads } = contrastiveGradients(dual, q, p, params, {
      pooling: shape.pooling ?? 'cls',
      nHard,
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
    return { medianSeconds: times[times.length >> 1]!, ...stepCost(shape) };
  } finally {
    tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask]);
    optimizer.dispose();
    disposeDualEncoder(dual);
  }
}
