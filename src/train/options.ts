/**
 * `TrainOptions`: every knob of contrastive dual-encoder training, with frozen defaults and
 * the reason for each. Defaults follow the paper's Tevatron recipe (BERT-base fine-tuning:
 * 1 positive + 1 hard negative per query, q_max_len 32, p_max_len 156, lr 1e-5, untied);
 * the presets (presets.ts) override what a from-scratch small model on 2 cores needs.
 *
 * Options are plain data (no callbacks), so presets and grids store, compare, hash and send
 * them to a worker thread; progress, the abort signal and step callbacks are `TrainHooks`.
 *
 * It does not run anything; `resolveTrainOptions` validates and fills defaults.
 */
import { SPLIT_NAMES, type HardNegatives, type SplitName } from '../data/types.js';
import { POOLINGS, type Pooling } from '../model/index.js';
import { optionChecks } from './option-checks.js';
import type { NegativeSource } from './batches.js';
import type { Similarity } from './contrastive-loss.js';

export interface TrainOptions {
  /** Queries per micro-batch, B. Default 32 (in-batch negatives: bigger is better, costs memory). */
  readonly batchSize?: number;
  /** Hard negatives per query. Default 1 (the paper: Tevatron train_n_passages 2). */
  readonly nHard?: number;
  /** 'hard' (dataset's or `hardNegatives`, topped up at random) or 'random'. Default 'hard'. */
  readonly negatives?: NegativeSource;
  /** Hard negatives to use instead of the split's (e.g. from mineBm25Negatives). */
  readonly hardNegatives?: HardNegatives;
  /** Keep queries sharing a positive out of one batch (no false in-batch negatives). Default true. */
  readonly noDuplicates?: boolean;
  /** Query tokens incl. [CLS]/[SEP]. Default 32 (the paper's q_max_len). */
  readonly qMaxLen?: number;
  /** Passage tokens incl. specials. Default 156 (the paper's p_max_len); quick preset 64. */
  readonly pMaxLen?: number;
  /** Peak learning rate. Default 1e-5 (the paper's, for fine-tuning pretrained BERT). */
  readonly lr?: number;
  /** Warm-up as a share of the steps (HF warmup_ratio). Default 0.1. */
  readonly warmupRatio?: number;
  /** Warm-up steps; overrides warmupRatio when set. */
  readonly warmupSteps?: number;
  /** AdamW decoupled weight decay (not on biases/LayerNorm). Default 0.01 (PyTorch AdamW's). */
  readonly weightDecay?: number;
  /** Global gradient-norm clip; 0 disables. Default 1.0 (HF Trainer's max_grad_norm). */
  readonly maxGradNorm?: number;
  /** Micro-batches per optimiser step (each its own in-batch pool). Default 1. */
  readonly gradientAccumulation?: number;
  /** Optimiser steps in total; when unset, `epochs` decides. */
  readonly steps?: number;
  /** Passes over the training queries when `steps` is unset. Default 1. */
  readonly epochs?: number;
  /** Seeds batching and negatives (model init has its own seed). Default 42. */
  readonly seed?: number;
  /** 'dot' (the paper's) or 'cosine'. Default 'dot'. */
  readonly similarity?: Similarity;
  /** Score multiplier (20 with cosine, as sentence-transformers). Default 1. */
  readonly scale?: number;
  /** Score divisor. Default 1. */
  readonly temperature?: number;
  /** 'cls' (the paper's, DPR's) or 'mean'. Default 'cls'. */
  readonly pooling?: Pooling;
  /** Split to train on. Default 'train'. */
  readonly split?: SplitName;
  /** Checkpoint every N optimiser steps (0: only at the end or when stopped). Default 0. */
  readonly checkpointEvery?: number;
  /** Where checkpoints go; unset: no checkpoints, no resume. */
  readonly checkpointDir?: string;
  /** Continue from the checkpoint in checkpointDir if there is one. Default true. */
  readonly resume?: boolean;
  /** Report progress every N optimiser steps. Default 10. */
  readonly logEvery?: number;
  /** AdamW β₁, β₂. Default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** AdamW ε. Default 1e-8. */
  readonly eps?: number;
  /**
   * Worker threads for data-parallel training (data-parallel.ts; 1: this thread). Default:
   * `KALELAB_TRAIN_WORKERS`, else every core when there are ≥ 2 and the backend is wasm.
   * Capped at batchSize. Same losses and weights as 1 up to float rounding.
   */
  readonly workers?: number;
}

type Optional = 'hardNegatives' | 'steps' | 'warmupSteps' | 'checkpointDir' | 'workers';
type Resolved = Required<Omit<TrainOptions, Optional>> & Pick<TrainOptions, Optional>;
export type ResolvedTrainOptions = Readonly<Resolved>;

export const DEFAULT_TRAIN_OPTIONS = Object.freeze({
  batchSize: 32,
  nHard: 1,
  negatives: 'hard' as NegativeSource,
  noDuplicates: true,
  qMaxLen: 32,
  pMaxLen: 156,
  lr: 1e-5,
  warmupRatio: 0.1,
  weightDecay: 0.01,
  maxGradNorm: 1.0,
  gradientAccumulation: 1,
  epochs: 1,
  seed: 42,
  similarity: 'dot' as Similarity,
  scale: 1,
  temperature: 1,
  pooling: 'cls' as Pooling,
  split: 'train' as SplitName,
  checkpointEvery: 0,
  resume: true,
  logEvery: 10,
  betas: Object.freeze([0.9, 0.999]) as readonly [number, number],
  eps: 1e-8,
});

const KNOWN = new Set<string>([
  ...Object.keys(DEFAULT_TRAIN_OPTIONS),
  'hardNegatives',
  'steps',
  'warmupSteps',
  'checkpointDir',
  'workers',
]);

/** Callbacks that were options once; they are TrainHooks fields (trainDualEncoder's 5th argument). */
const HOOK_FIELDS = ['progress', 'signal', 'onStep', 'onCheckpoint'];

const check = optionChecks('TrainOptions');

/** Defaults filled in and every field checked; throws naming the field and the bad value. */
export function resolveTrainOptions(options: TrainOptions = {}): ResolvedTrainOptions {
  for (const field of HOOK_FIELDS) {
    if (field in options)
      check.fail(field, 'is a TrainHooks field (trainDualEncoder(..., options, hooks))', field);
  }
  check.known(options, KNOWN);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...defined } as Resolved;
  const { int, num, oneOf } = check;
  int('batchSize', o.batchSize, 1);
  int('nHard', o.nHard, 0);
  oneOf('negatives', o.negatives, ['hard', 'random']);
  check.bool('noDuplicates', o.noDuplicates);
  int('qMaxLen', o.qMaxLen, 2);
  int('pMaxLen', o.pMaxLen, 2);
  num('lr', o.lr, 0);
  num('warmupRatio', o.warmupRatio, 0);
  if (o.warmupRatio > 1) check.fail('warmupRatio', 'must be a number in [0, 1]', o.warmupRatio);
  if (o.warmupSteps !== undefined) int('warmupSteps', o.warmupSteps, 0);
  num('weightDecay', o.weightDecay, 0);
  num('maxGradNorm', o.maxGradNorm, 0);
  int('gradientAccumulation', o.gradientAccumulation, 1);
  if (o.steps !== undefined) int('steps', o.steps, 1);
  num('epochs', o.epochs, 0, true);
  int('seed', o.seed, 0);
  oneOf('similarity', o.similarity, ['dot', 'cosine']);
  num('scale', o.scale, 0, true);
  num('temperature', o.temperature, 0, true);
  oneOf('pooling', o.pooling, POOLINGS);
  oneOf('split', o.split, SPLIT_NAMES);
  int('checkpointEvery', o.checkpointEvery, 0);
  check.bool('resume', o.resume);
  int('logEvery', o.logEvery, 1);
  if (o.workers !== undefined) int('workers', o.workers, 1);
  return Object.freeze(o);
}

/** The options a resumed run must share with the run that wrote the checkpoint. */
export function resumeFingerprint(
  o: ResolvedTrainOptions,
  totalSteps: number,
): Record<string, unknown> {
  return {
    batchSize: o.batchSize,
    nHard: o.nHard,
    negatives: o.negatives,
    noDuplicates: o.noDuplicates,
    qMaxLen: o.qMaxLen,
    pMaxLen: o.pMaxLen,
    lr: o.lr,
    weightDecay: o.weightDecay,
    maxGradNorm: o.maxGradNorm,
    gradientAccumulation: o.gradientAccumulation,
    totalSteps,
    seed: o.seed,
    similarity: o.similarity,
    scale: o.scale,
    temperature: o.temperature,
    pooling: o.pooling,
    split: o.split,
  };
}
