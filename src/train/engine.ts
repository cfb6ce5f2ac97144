/**
 * What the training loop (trainer.ts) asks of whoever computes its optimiser steps: one
 * step on a list of micro-batches (gradient accumulation), and the optimiser state for a
 * checkpoint with the caller's dual encoder brought up to date. Two engines:
 *
 * - `localEngine` (here): this thread, one replica — accumulate, clip, AdamW.
 * - `dataParallelEngine` (data-parallel.ts): N worker threads, each a replica and a shard.
 *
 * It does not schedule the learning rate, sample batches or write checkpoints.
 */
import * as tf from '@tensorflow/tfjs';
import type { WordPieceTokenizer } from '../text/index.js';
import type { TrainingBatch } from './batches.js';
import type { DualEncoder } from './dual-encoder.js';
import {
  AdamW,
  GradientAccumulator,
  clipCoefficient,
  globalNorm,
  type AdamWOptions,
  type AdamWState,
  type NamedVariable,
} from './optimizer.js';
import type { ResolvedTrainOptions } from './options.js';
import { contrastiveStep } from './step.js';

export interface EngineStep {
  /** Mean loss over the micro-batches. */
  readonly loss: number;
  /** Global L2 norm of the (accumulated) gradient before clipping. */
  readonly gradNorm: number;
  /** Real tokens and matrix-product FLOPs of the step (for throughput). */
  readonly tokens: number;
  readonly flops: number;
}

export interface StepEngine {
  /** Worker threads computing the steps (1: this thread). */
  readonly workers: number;
  /** One optimiser step on `batches` (one per micro-batch) with learning rate `lr`. */
  step(batches: readonly TrainingBatch[], lr: number): Promise<EngineStep>;
  /** Brings the caller's dual encoder up to date and returns the optimiser's state. */
  sync(): Promise<AdamWState>;
  /** Frees the engine (optimiser moments, workers); the dual encoder stays. */
  close(): Promise<void>;
}

/** The AdamW settings of a run. */
export function adamwOptions(o: ResolvedTrainOptions): AdamWOptions {
  return { weightDecay: o.weightDecay, betas: o.betas, eps: o.eps };
}

/**
 * Scales the gradients by PyTorch's clip factor inside the update: no clipped copies
 * (memory). `gradNorm`: the global norm when `grads` is only part of the gradient.
 */
export function clippedUpdate(
  optimizer: AdamW,
  grads: ReadonlyMap<string, tf.Tensor>,
  lr: number,
  maxGradNorm: number,
  gradNorm = globalNorm(grads),
): number {
  const scale = maxGradNorm > 0 ? clipCoefficient(gradNorm, maxGradNorm) : 1;
  optimizer.applyGradients(grads, lr, scale);
  return gradNorm;
}

/** This thread's engine: trains `dual` in place with `params`. */
export function localEngine(
  dual: DualEncoder,
  tokenizer: WordPieceTokenizer,
  params: readonly NamedVariable[],
  o: ResolvedTrainOptions,
  state?: AdamWState,
): StepEngine {
  const optimizer = new AdamW(params, adamwOptions(o));
  if (state) optimizer.setState(state);
  return {
    workers: 1,
    step(batches, lr) {
      const accumulator = new GradientAccumulator();
      let loss = 0;
      let tokens = 0;
      let flops = 0;
      try {
        for (const batch of batches) {
          const r = contrastiveStep(dual, tokenizer, batch, params, o);
          accumulator.add(r.grads);
          loss += r.loss;
          tokens += r.tokens;
          flops += r.flops;
        }
      } catch (error) {
        accumulator.dispose();
        return Promise.reject(error as Error);
      }
      const mean = accumulator.takeMean();
      try {
        const gradNorm = clippedUpdate(optimizer, mean, lr, o.maxGradNorm);
        return Promise.resolve({ loss: loss / batches.length, gradNorm, tokens, flops });
      } catch (error) {
        return Promise.reject(error as Error);
      } finally {
        tf.dispose([...mean.values()]);
      }
    },
    sync: () => Promise.resolve(optimizer.getState()),
    close() {
      optimizer.dispose();
      return Promise.resolve();
    },
  };
}
