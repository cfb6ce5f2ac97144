/**
 * `KaleOptions`: every setting of a KALE alignment run, with frozen, documented defaults, and
 * their validation. Defaults follow the paper's reference runs (spacemanidol/KALE
 * `scripts/ca-prune.py --kldiv`) unless a field says otherwise.
 *
 * Options are plain data (no callbacks), so they can be stored in a checkpoint, compared on
 * resume, and written into results.json. Callbacks (progress, index check) are `AlignHooks`.
 */
import { POOLINGS, type Pooling } from '../model/index.js';
import { optionChecks } from '../train/index.js';
import { ALIGNMENT_LOSS_NAMES, type AlignmentLossName } from './losses/index.js';
import { nameList } from '../util/names.js';

export const KALE_OBJECTIVES = nameList('reference', 'plain');
export type KaleObjective = (typeof KALE_OBJECTIVES)[number];

export const TEACHER_TARGETS = nameList('auto', 'precompute', 'per-batch');
export type TeacherTargets = (typeof TEACHER_TARGETS)[number];

export interface KaleOptions {
  /** Alignment loss: 'kl' (KALE), 'mse', 'cosine', 'kl+mse'. Default 'kl': the paper's method. */
  readonly loss?: AlignmentLossName;
  /** KL temperature T ('kl', 'kl+mse'). Default 10: the paper's reference runs. */
  readonly temperature?: number;
  /** Weight of the MSE term in 'kl+mse' (KL has weight 1). Default 1: the plain sum. */
  readonly mseWeight?: number;
  /**
   * 'reference' (default): queryWeight·L(query) + randomQueryWeight·L(a random second query),
   * ca-prune.py's objective. 'plain': L(query) with weight 1, no second query (half the compute).
   */
  readonly objective?: KaleObjective;
  /** Weight of the batch's own queries in 'reference'. Default 0.6 (ca-prune.py). */
  readonly queryWeight?: number;
  /** Weight of the random second queries in 'reference'. Default 0.2 (ca-prune.py). */
  readonly randomQueryWeight?: number;
  /** Queries per optimiser step. Default 64: the paper's batch size. */
  readonly batchSize?: number;
  /**
   * Drop the last, smaller batch of an epoch. Default false: every query is used and each
   * batch's loss is divided by its own size (ca-prune.py drops it only to keep fixed-size
   * target tensors). With fewer queries than batchSize there is always one batch.
   */
  readonly dropLast?: boolean;
  /** Most tokens per query, [CLS]/[SEP] included. Default 32 (ca-prune.py). */
  readonly maxLength?: number;
  /** Peak learning rate of AdamW. Default 5e-5 (ca-prune.py). */
  readonly lr?: number;
  /** Decoupled weight decay of AdamW (biases, LayerNorm exempt). Default 0 (ca-prune.py). */
  readonly weightDecay?: number;
  /** Linear warm-up steps before the linear decay to 0. Default 0 (ca-prune.py). */
  readonly warmupSteps?: number;
  /**
   * Passes over the queries; fractions stop part-way (0.5: a random half, in the seeded
   * order). Default 3 (ca-prune.py's num_train_epochs). Ignored if `steps`.
   */
  readonly epochs?: number;
  /** Optimiser steps in total; overrides `epochs` (cycling through epochs). Default: from epochs. */
  readonly steps?: number;
  /** Seed of the query order and of the random second queries. Default 42 (ca-prune.py). */
  readonly seed?: number;
  /** Embedding of a query: 'cls' (default, the paper's) or 'mean'. Same for both encoders. */
  readonly pooling?: Pooling;
  /**
   * Teacher embeddings: 'precompute' once for all queries (the teacher is frozen, so this is
   * exact and halves the forward passes), 'per-batch', or 'auto' (default): precompute when the
   * targets take ≤ `precomputeLimitMiB` and the run covers at least one epoch (a shorter run
   * visits each query at most once, so per batch computes only the targets it uses).
   */
  readonly teacherTargets?: TeacherTargets;
  /** Memory cap of 'auto' precomputation, MiB of float32 targets. Default 256. */
  readonly precomputeLimitMiB?: number;
  /** Folder for resumable checkpoints; none when undefined (the default). */
  readonly checkpointDir?: string;
  /** Steps between checkpoints (and one at the end). Default 100. */
  readonly checkpointEvery?: number;
}

export type ResolvedKaleOptions = Required<Omit<KaleOptions, 'steps' | 'checkpointDir'>> & {
  readonly steps: number | undefined;
  readonly checkpointDir: string | undefined;
};

export const DEFAULT_KALE_OPTIONS: ResolvedKaleOptions = Object.freeze({
  loss: 'kl',
  temperature: 10,
  mseWeight: 1,
  objective: 'reference',
  queryWeight: 0.6,
  randomQueryWeight: 0.2,
  batchSize: 64,
  dropLast: false,
  maxLength: 32,
  lr: 5e-5,
  weightDecay: 0,
  warmupSteps: 0,
  epochs: 3,
  steps: undefined,
  seed: 42,
  pooling: 'cls',
  teacherTargets: 'auto',
  precomputeLimitMiB: 256,
  checkpointDir: undefined,
  checkpointEvery: 100,
} satisfies ResolvedKaleOptions);

const KNOWN = new Set(Object.keys(DEFAULT_KALE_OPTIONS));

const check = optionChecks('KaleOptions');

/** Defaults filled in and every field checked; throws naming the field and the bad value. */
export function resolveKaleOptions(options: KaleOptions = {}): ResolvedKaleOptions {
  check.known(options, KNOWN);
  const { fail, int, num, oneOf } = check;
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as KaleOptions;
  const o: ResolvedKaleOptions = { ...DEFAULT_KALE_OPTIONS, ...defined };
  oneOf('loss', o.loss, ALIGNMENT_LOSS_NAMES);
  oneOf('objective', o.objective, KALE_OBJECTIVES);
  oneOf('pooling', o.pooling, POOLINGS);
  oneOf('teacherTargets', o.teacherTargets, TEACHER_TARGETS);
  num('temperature', o.temperature, 0, true);
  num('mseWeight', o.mseWeight, 0, false);
  num('queryWeight', o.queryWeight, 0, false);
  num('randomQueryWeight', o.randomQueryWeight, 0, false);
  num('lr', o.lr, 0, false);
  num('weightDecay', o.weightDecay, 0, false);
  num('precomputeLimitMiB', o.precomputeLimitMiB, 0, false);
  int('batchSize', o.batchSize, 1);
  int('maxLength', o.maxLength, 3);
  int('warmupSteps', o.warmupSteps, 0);
  num('epochs', o.epochs, 0, true);
  int('checkpointEvery', o.checkpointEvery, 1);
  if (!Number.isInteger(o.seed)) fail('seed', 'must be an integer', o.seed);
  if (o.steps !== undefined) int('steps', o.steps, 1);
  check.bool('dropLast', o.dropLast);
  if (
    o.checkpointDir !== undefined &&
    (typeof o.checkpointDir !== 'string' || o.checkpointDir === '')
  ) {
    fail('checkpointDir', 'must be a non-empty path', o.checkpointDir);
  }
  return Object.freeze(o);
}

/**
 * The options that decide the numbers of a run (all but where and how often to checkpoint):
 * a resumed run must match them exactly.
 */
export function numericOptionsKey(o: ResolvedKaleOptions): string {
  const { checkpointDir: _dir, checkpointEvery: _every, ...rest } = o;
  return JSON.stringify(rest, Object.keys(rest).sort());
}
