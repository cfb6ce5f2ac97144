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
import { BERT_BASE } from '../model/index.js';
import { timeTrainingSteps, type StepShape, type StepTiming } from '../train/index.js';

/**
 * A benchmarked shape: the step's shape (train/step-timing.ts) and the preset it stands for.
 * BERT-base rows are tied (one shared encoder): untied (2 × 110M weights + AdamW state) it
 * overflows wasm's 4 GiB heap; tied, 2 queries a step fit (the heap reaches 3.3-3.7 GiB).
 */
export interface TrainingShape extends StepShape {
  readonly preset: 'quick' | 'bert-base';
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

/** Median time of `steps` training steps (after one warm-up step) for `shape`. */
export function benchTraining(shape: TrainingShape, steps = 3): TrainingBench {
  const timing = timeTrainingSteps(shape, steps);
  return trainingRow(shape, timing, activeBackend()?.threads ?? 1, 1);
}

/** A kalelab training row from a step's median time and cost (one row shape for every mode). */
export function trainingRow(
  shape: TrainingShape,
  { medianSeconds: median, flops, tokens }: StepTiming,
  threads: number,
  workers: number,
): TrainingBench {
  return {
    preset: shape.preset,
    framework: 'kalelab',
    backend: activeBackend()?.name ?? tf.getBackend(),
    threads,
    workers,
    hidden: shape.config.hiddenSize,
    layers: shape.config.numHiddenLayers,
    batch: shape.batch,
    tied: shape.tied ?? false,
    secondsPerStep: Math.round(median * 1000) / 1000,
    examplesPerSecond: Math.round((shape.batch / median) * 100) / 100,
    tokensPerSecond: Math.round(tokens / median),
    gflops: Math.round((flops / median / 1e9) * 100) / 100,
  };
}
