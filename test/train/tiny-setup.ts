/**
 * A tiny synthetic retrieval task and BERT config for fast training tests (no real data):
 * 48 documents of 6 random words from a 60-word lexicon; each document has one query made
 * of 3 of its words; hard negatives are the next two documents.
 */
import type { RetrievalDataset } from '../../src/data/index.js';
import type { BertConfig } from '../../src/model/index.js';
import { WordPieceTokenizer, buildVocab } from '../../src/text/index.js';
import { createDualEncoder, type DualEncoder } from '../../src/train/index.js';
import { Random } from '../../src/util/index.js';

export function tinyDataset(seed = 5, docs = 48): RetrievalDataset {
  const rng = new Random(seed);
  const lexicon = Array.from(
    { length: 60 },
    (_, i) => `w${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}`,
  );
  const corpus: Record<string, { title: string; text: string }> = {};
  const queries: Record<string, { text: string }> = {};
  const qrels: Record<string, Record<string, number>> = {};
  const hardNegatives: Record<string, string[]> = {};
  for (let d = 0; d < docs; d++) {
    const words = rng.shuffle(lexicon).slice(0, 6);
    corpus[`d${d}`] = { title: '', text: words.join(' ') };
    queries[`q${d}`] = { text: rng.shuffle(words).slice(0, 3).join(' ') };
    qrels[`q${d}`] = { [`d${d}`]: 1 };
    hardNegatives[`q${d}`] = [`d${(d + 1) % docs}`, `d${(d + 2) % docs}`];
  }
  return {
    name: 'tiny',
    corpus,
    splits: { train: { queries, qrels, hardNegatives } },
    mainMetric: 'mrr@10',
  };
}

export function tinyTokenizer(dataset: RetrievalDataset): WordPieceTokenizer {
  const texts = [
    ...Object.values(dataset.corpus).map((d) => d.text),
    ...Object.values(dataset.splits.train!.queries).map((q) => q.text),
  ];
  return new WordPieceTokenizer(buildVocab(texts, { size: 200, minFrequency: 1 }));
}

export function tinyConfig(vocabSize: number): BertConfig {
  return {
    vocabSize,
    hiddenSize: 16,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 32,
    maxPositionEmbeddings: 16,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    initializerRange: 0.02,
  };
}

/** Options shared by the resume tests: checkpoint every 2 steps, accumulation 2. */
export const TINY_TRAIN = Object.freeze({
  batchSize: 6,
  nHard: 1,
  qMaxLen: 8,
  pMaxLen: 10,
  lr: 3e-3,
  warmupSteps: 2,
  gradientAccumulation: 2,
  steps: 6,
  seed: 11,
  checkpointEvery: 2,
  logEvery: 100,
});

/**
 * The dual encoder the resume tests train (1 query layer, 2 passage layers, seed 3), in
 * the test process and in the children that are killed and resumed.
 */
export function tinyResumeDual(tokenizer: WordPieceTokenizer): DualEncoder {
  return createDualEncoder({
    config: tinyConfig(tokenizer.vocab.length),
    queryLayers: 1,
    passageLayers: 2,
    seed: 3,
  });
}
