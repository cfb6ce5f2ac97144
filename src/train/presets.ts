/**
 * Training presets: a model shape and a schedule that fit a machine.
 *
 * - `quick`: a small BERT trained from scratch on `wordnet-senses` (the quick WordNet
 *   preset: 2,390 training queries, 12,613 documents), one epoch (74 steps), about two
 *   minutes of CPU on this machine (wasm). Measured test MRR@10: 0.140 trained vs 0.076
 *   untrained vs 0.351 BM25 (0.161 trained with GloVe word vectors, see word-vectors.ts) —
 *   it beats the untrained encoder, NOT BM25: a few thousand queries do not teach a
 *   from-scratch model to match words as exactly as BM25 does. (Starting the model as a
 *   lexical matcher does not get there either: bench/train-lexical-init.ts, environment.md.)
 * - `full`: H 256 × 4, two epochs of 64 queries per step: about 15 minutes of training on
 *   this machine. Measured test MRR@10: 0.152 trained vs 0.082 untrained vs 0.351 BM25 —
 *   barely above `quick`. Its training loss is 0.1 by the end of the second epoch: the
 *   2,390 training queries, not the model's size, are the limit. Four epochs (32 min)
 *   measured 0.158, the same within the noise of 299 test queries.
 * - `bert-base`: the paper's recipe (Tevatron) for GPU users with tfjs-node-gpu and a
 *   pretrained bert-base-uncased checkpoint (loadEncoder + dualEncoderFromEncoder); not run in CI.
 *
 * From-scratch presets pool by 'mean': a freshly initialised CLS vector carries almost no
 * information about the text (attention is near uniform at BERT's 0.02 init), so CLS
 * training first has to break that symmetry (measured: ~100 steps of the tiny test model at
 * chance loss), while a mean of word vectors starts as a bag-of-words matcher — both
 * encoders start from the same seed, so equal words start with equal vectors. Whoever
 * encodes with a preset-trained model (eval, KALE) must use `preset.train.pooling`, and
 * unit-normalise (`normalize: true`): the from-scratch presets train with cosine similarity
 * at scale 20 (sentence-transformers' MultipleNegativesRankingLoss). With raw dot products
 * the logits of mean-pooled LayerNorm outputs start huge, and the quick model reached only
 * 0.110 (measured).
 * The `bert-base` preset keeps the paper's CLS pooling.
 *
 * It does not build datasets or train; `presetConfig` and `presetVocab` turn a preset
 * into a BertConfig and a vocabulary.
 */
import * as tf from '@tensorflow/tfjs';
import type { RetrievalDataset, SplitName } from '../data/index.js';
import { BERT_BASE, type BertConfig } from '../model/index.js';
import { buildVocab } from '../text/index.js';
import { passageText } from './batches.js';
import { createDualEncoder, type DualEncoder } from './dual-encoder.js';
import type { TrainOptions } from './options.js';
import { nameList } from '../util/names.js';

export const TRAIN_PRESET_NAMES = nameList('quick', 'full', 'bert-base');
export type TrainPresetName = (typeof TRAIN_PRESET_NAMES)[number];

export interface TrainPreset {
  readonly name: TrainPresetName;
  readonly description: string;
  /** The model shape except the vocabulary size (from the vocabulary built for the data). */
  readonly model: Omit<BertConfig, 'vocabSize'>;
  /** Query encoder depth (≤ model.numHiddenLayers); passage depth is model.numHiddenLayers. */
  readonly queryLayers: number;
  /** Vocabulary size for `buildVocab` on the training texts; null: use the checkpoint's. */
  readonly vocabSize: number | null;
  /** Seed of the model initialisation. */
  readonly initSeed: number;
  /** Query and passage encoders share their embedding tables (see DualEncoder). */
  readonly sharedEmbeddings: boolean;
  /**
   * Start position and token-type embeddings at zero instead of N(0, 0.02): at init every
   * text's mean-pooled vector then differs only by its words, not by its length (the
   * position rows are common to all texts and otherwise dominate the dot product). They
   * train from there. Only for from-scratch presets.
   */
  readonly zeroPositionInit: boolean;
  readonly train: TrainOptions;
}

/**
 * BERT's initializer range (0.02) scaled to a narrower model: 0.02·√(768/H), so a small
 * model's sublayers start as strong relative to its residual stream as BERT-base's do.
 * With 0.02 at H = 64 every layer starts as (and after minutes of training stays) nearly
 * the identity: the 4-layer model is a bag of words, pruning it costs nothing, and there is
 * nothing for KALE to repair (measured; see the walkthrough notes in the README). The
 * training presets keep 0.02 (their measured figures above were made with it).
 */
export function widthScaledInit(hiddenSize: number): number {
  return Math.round(0.02 * Math.sqrt(768 / hiddenSize) * 1e4) / 1e4;
}

const SMALL = Object.freeze({ typeVocabSize: 2, layerNormEps: 1e-12 });

/**
 * Every model shape a preset uses (training presets here, grid presets in
 * experiment/options.ts), named once by depth and width; vocabulary size aside.
 */
export const MODEL_SHAPES = Object.freeze({
  /** The quick training preset's. */
  'L2-H128': Object.freeze({
    ...SMALL,
    initializerRange: 0.02,
    hiddenSize: 128,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 512,
    maxPositionEmbeddings: 64,
  }),
  /** The full training preset's. */
  'L4-H256': Object.freeze({
    ...SMALL,
    initializerRange: 0.02,
    hiddenSize: 256,
    numHiddenLayers: 4,
    numAttentionHeads: 4,
    intermediateSize: 1024,
    maxPositionEmbeddings: 128,
  }),
  /** The quick grid's full model: deep enough to prune, narrow enough for minutes on 2 cores. */
  'L4-H64-scaled': Object.freeze({
    ...SMALL,
    initializerRange: widthScaledInit(64),
    hiddenSize: 64,
    numHiddenLayers: 4,
    numAttentionHeads: 2,
    intermediateSize: 256,
    maxPositionEmbeddings: 64,
  }),
  /**
   * The quick walkthrough's full model: at its 90 steps a 4-layer model is still nearly a bag
   * of words (pruning it cost nothing, measured), a 2-layer one is not. Its init is half
   * the width-scaled one: over three seeds at 90 steps, 0.0346 gave full MRR@10 0.129–0.135
   * and KALE above pruning by 0.005–0.015, widthScaledInit(64) = 0.0693 full 0.099–0.131
   * with pruning costing nothing in two seeds (measured; README).
   */
  'L2-H64-scaled': Object.freeze({
    ...SMALL,
    initializerRange: widthScaledInit(256),
    hiddenSize: 64,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 256,
    maxPositionEmbeddings: 64,
  }),
  /** The full grid's full model. */
  'L6-H256-scaled': Object.freeze({
    ...SMALL,
    initializerRange: widthScaledInit(256),
    hiddenSize: 256,
    numHiddenLayers: 6,
    numAttentionHeads: 4,
    intermediateSize: 1024,
    maxPositionEmbeddings: 128,
  }),
  'bert-base': Object.freeze((({ vocabSize: _v, ...rest }) => rest)(BERT_BASE)),
} satisfies Record<string, Omit<BertConfig, 'vocabSize'>>);
export type ModelShapeName = keyof typeof MODEL_SHAPES;

/**
 * Every training schedule a preset starts from, named once. From-scratch schedules pool by
 * mean with cosine similarity at scale 20 (see the file header for why).
 */
export const TRAIN_SCHEDULES = Object.freeze({
  /** 32 queries a step at lr 1e-3, one epoch: the quick preset's two minutes. */
  'scratch-quick': Object.freeze({
    batchSize: 32,
    nHard: 1,
    qMaxLen: 32,
    pMaxLen: 48,
    lr: 1e-3,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    maxGradNorm: 1.0,
    epochs: 1,
    pooling: 'mean',
    similarity: 'cosine',
    scale: 20,
    seed: 42,
  }),
  /**
   * 64 queries per step as 4 micro-batches of 16. The wasm heap stops at 4 GiB and a
   * step's activations and gradients are held until its end. Measured after 20 steps:
   * 1.1 GiB at 16 × 4, 1.9 GiB at 32 × 2 (which is also slower, 13.7 s a step against
   * 11.8: longer padding); one batch of 64 would come near the limit. (Before LayerNorm
   * and GELU kept less for the backward pass, 32 × 2 reached 3.8 GiB and died near
   * step 105 with "memory access out of bounds".)
   */
  'scratch-full': Object.freeze({
    batchSize: 16,
    gradientAccumulation: 4,
    nHard: 1,
    qMaxLen: 32,
    pMaxLen: 64,
    lr: 5e-4,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    maxGradNorm: 1.0,
    epochs: 2,
    pooling: 'mean',
    similarity: 'cosine',
    scale: 20,
    seed: 42,
  }),
  /** The paper's Tevatron fine-tuning recipe for pretrained BERT. */
  tevatron: Object.freeze({
    batchSize: 64,
    nHard: 1,
    qMaxLen: 32,
    pMaxLen: 156,
    lr: 1e-5,
    warmupRatio: 0.1,
    weightDecay: 0,
    maxGradNorm: 1.0,
    epochs: 3,
    pooling: 'cls',
    seed: 42,
  }),
} satisfies Record<string, TrainOptions>);
export type TrainScheduleName = keyof typeof TRAIN_SCHEDULES;

export const TRAIN_PRESETS: Readonly<Record<TrainPresetName, TrainPreset>> = Object.freeze({
  quick: Object.freeze({
    name: 'quick',
    description: 'H=128, 2 layers, trained from scratch in about 2 minutes on 2 CPU cores (wasm)',
    model: MODEL_SHAPES['L2-H128'],
    queryLayers: 2,
    vocabSize: 16384,
    initSeed: 42,
    sharedEmbeddings: false,
    zeroPositionInit: true,
    train: TRAIN_SCHEDULES['scratch-quick'],
  }),
  full: Object.freeze({
    name: 'full',
    description: 'H=256, 4 layers, 2 epochs: about 15 minutes of training on 2 CPU cores (wasm)',
    model: MODEL_SHAPES['L4-H256'],
    queryLayers: 4,
    vocabSize: 16384,
    initSeed: 42,
    sharedEmbeddings: true,
    zeroPositionInit: true,
    train: TRAIN_SCHEDULES['scratch-full'],
  }),
  'bert-base': Object.freeze({
    name: 'bert-base',
    description:
      "the paper's Tevatron recipe on bert-base-uncased (GPU with tfjs-node-gpu; not run in CI)",
    model: MODEL_SHAPES['bert-base'],
    queryLayers: 12,
    vocabSize: null,
    initSeed: 42,
    sharedEmbeddings: false,
    zeroPositionInit: false,
    train: TRAIN_SCHEDULES.tevatron,
  }),
});

/** The preset called `name`; throws listing the allowed names. */
export function trainPreset(name: string): TrainPreset {
  const preset = (TRAIN_PRESETS as Record<string, TrainPreset>)[name];
  if (preset === undefined) {
    throw new Error(`unknown training preset "${name}"; allowed: ${TRAIN_PRESET_NAMES.join(', ')}`);
  }
  return preset;
}

/** The preset's BertConfig for a vocabulary of `vocabSize` tokens. */
export function presetConfig(preset: TrainPreset, vocabSize: number): BertConfig {
  return { ...preset.model, vocabSize };
}

/** Texts a vocabulary may be built from: every document and the training queries (never test). */
export function trainingTexts(dataset: RetrievalDataset, split: SplitName = 'train'): string[] {
  const texts = Object.values(dataset.corpus).map(passageText);
  const s = dataset.splits[split];
  if (s) texts.push(...Object.values(s.queries).map((q) => q.text));
  return texts;
}

/** A WordPiece vocabulary for the preset from the dataset's training texts. */
export function presetVocab(preset: TrainPreset, dataset: RetrievalDataset): string[] {
  if (preset.vocabSize === null) {
    throw new Error(
      `preset "${preset.name}" uses a pretrained checkpoint's vocabulary; load it with loadEncoder`,
    );
  }
  return buildVocab(trainingTexts(dataset, preset.train.split ?? 'train'), {
    size: preset.vocabSize,
  });
}

/**
 * A fresh dual encoder for a from-scratch preset: `presetConfig`, the preset's query depth,
 * shared embeddings and zero position init as the preset says. (`bert-base` starts from a
 * pretrained checkpoint instead: loadEncoder + dualEncoderFromEncoder.)
 */
export function createPresetDualEncoder(
  preset: TrainPreset,
  vocabSize: number,
  overrides: { readonly queryLayers?: number; readonly seed?: number } = {},
): DualEncoder {
  const dual = createDualEncoder({
    config: presetConfig(preset, vocabSize),
    queryLayers: overrides.queryLayers ?? preset.queryLayers,
    seed: overrides.seed ?? preset.initSeed,
    sharedEmbeddings: preset.sharedEmbeddings,
  });
  if (preset.zeroPositionInit) zeroPositionEmbeddings(dual);
  return dual;
}

/**
 * Zeroes the position and token-type embeddings of both encoders, so a fresh mean-pooled
 * model starts as a bag-of-words matcher (equal words, equal vectors) and learns order later.
 */
export function zeroPositionEmbeddings(dual: DualEncoder): void {
  const names = [
    'embeddings.position_embeddings.weight',
    'embeddings.token_type_embeddings.weight',
  ];
  for (const v of new Set(
    [dual.query, dual.passage].flatMap((e) => names.map((n) => e.weights.get(n))),
  )) {
    if (v) tf.tidy(() => v.assign(tf.zerosLike(v)));
  }
}
