/**
 * Test helpers: a tiny random BERT teacher, a vocabulary and synthetic queries built in
 * memory (no files), and the mean KALE loss between two encoders over a query set.
 */
import { afterAll, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  createEncoder,
  disposeEncoder,
  embed,
  toTokenBatch,
  type BertConfig,
  type Encoder,
} from '../../src/model/index.js';
import { WordPieceTokenizer, buildVocab } from '../../src/text/index.js';
import { kaleKlLoss, type KaleOptions } from '../../src/compress/index.js';
import { Random } from '../../src/util/index.js';

const WORDS = (
  'river bank money loan water fish boat tree leaf green light dark night day sun moon star ' +
  'cold warm snow rain wind road car train city town house door window music song dance ' +
  'book page word letter school teacher child play game ball run walk fast slow old new'
).split(' ');

/** `count` short queries (3–8 words) drawn with `seed`. */
export function syntheticQueries(count: number, seed = 7): string[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => {
    const len = 3 + rng.int(6);
    return Array.from({ length: len }, () => WORDS[rng.int(WORDS.length)]!).join(' ');
  });
}

/**
 * The checkpoint tests' KALE run: 40 queries in batches of 16 (3 batches per epoch, the
 * last of 8), so 7 steps cross two epochs; a checkpoint every 2 steps.
 */
export const RESUMABLE_QUERIES: readonly string[] = Object.freeze(syntheticQueries(40, 11));
export const RESUMABLE_OPTIONS: KaleOptions = Object.freeze({
  steps: 7,
  batchSize: 16,
  lr: 1e-3,
  warmupSteps: 2,
  checkpointEvery: 2,
});

/**
 * The checkpoint tests' teacher (3 layers, seed 5) on the wasm backend: made before the
 * describe block's tests, disposed after them. Returns a getter, as the teacher exists only
 * once the tests run.
 */
export function useResumableTeacher(tokenizer: WordPieceTokenizer): () => Encoder {
  let teacher: Encoder | undefined;
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    teacher = tinyTeacher(tokenizer, 5, { numHiddenLayers: 3 });
  });
  afterAll(() => {
    if (teacher !== undefined) disposeEncoder(teacher);
  });
  return () => {
    if (teacher === undefined) throw new Error('useResumableTeacher: read it in a test or hook');
    return teacher;
  };
}

export function tinyTokenizer(): WordPieceTokenizer {
  return new WordPieceTokenizer(buildVocab([WORDS.join(' ')], { size: 200, minFrequency: 1 }));
}

export function tinyConfig(vocabSize: number, overrides: Partial<BertConfig> = {}): BertConfig {
  return {
    vocabSize,
    hiddenSize: 32,
    numHiddenLayers: 4,
    numAttentionHeads: 4,
    intermediateSize: 64,
    maxPositionEmbeddings: 64,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    initializerRange: 0.2,
    ...overrides,
  };
}

export function tinyTeacher(
  tokenizer: WordPieceTokenizer,
  seed = 3,
  overrides: Partial<BertConfig> = {},
): Encoder {
  return createEncoder(tinyConfig(tokenizer.vocab.length, overrides), seed);
}

/** CLS embeddings [N, H] of all queries (one batch). */
export function cls(
  encoder: Encoder,
  tokenizer: WordPieceTokenizer,
  queries: readonly string[],
): tf.Tensor2D {
  return tf.tidy(() =>
    embed(encoder, toTokenBatch(tokenizer.encodeBatch(queries, { maxLength: 32 })), 'cls'),
  );
}

/** KALE KL (T = 10) and mean L2 distance of student to teacher CLS over `queries`. */
export function gap(
  teacher: Encoder,
  student: Encoder,
  tokenizer: WordPieceTokenizer,
  queries: readonly string[],
): { kl: number; distance: number } {
  return tf.tidy(() => {
    const t = cls(teacher, tokenizer, queries);
    const s = cls(student, tokenizer, queries);
    const kl = kaleKlLoss(s, t, { temperature: 10 }).dataSync()[0]!;
    const distance = tf.mean(tf.norm(tf.sub(s, t), 'euclidean', -1)).dataSync()[0]!;
    return { kl, distance };
  });
}
