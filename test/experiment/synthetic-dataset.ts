import type { RetrievalDataset } from '../../src/data/types.js';
import type { GridOptions } from '../../src/experiment/index.js';
import type { BertConfig } from '../../src/model/index.js';

/** The ten topic words every synthetic query and document is made of. */
export const TOPIC_WORDS: readonly string[] = Object.freeze([
  'river',
  'money',
  'stone',
  'light',
  'music',
  'paper',
  'glass',
  'horse',
  'storm',
  'bread',
]);

/** A 2-layer, 16-wide BERT: trains in a fraction of a second (vocabulary size aside). */
export const TINY_MODEL: Omit<BertConfig, 'vocabSize'> = Object.freeze({
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 32,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
});

/** Three training steps of the tiny model. */
export const TINY_TRAIN = Object.freeze({
  batchSize: 8,
  steps: 3,
  qMaxLen: 16,
  pMaxLen: 16,
  lr: 1e-3,
  logEvery: 1,
});

/** Grid overrides that run the whole grid on the synthetic task in seconds. */
export const TINY_GRID: Partial<GridOptions> = Object.freeze<Partial<GridOptions>>({
  model: TINY_MODEL,
  vocabSize: 200,
  queryDepths: [1],
  alignLosses: ['kl'],
  train: TINY_TRAIN,
  kale: { steps: 2, batchSize: 8 },
  latencyRuns: 2,
  wordVectors: null,
});

/** A small synthetic task: each query names its document's two topic words. */
export function syntheticDataset(): RetrievalDataset {
  const words = TOPIC_WORDS;
  const corpus: Record<string, { title: string; text: string }> = {};
  const queries = {
    train: {} as Record<string, { text: string }>,
    test: {} as Record<string, { text: string }>,
  };
  const qrels = {
    train: {} as Record<string, Record<string, number>>,
    test: {} as Record<string, Record<string, number>>,
  };
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    for (let j = 0; j < words.length; j++) {
      if (j <= i) continue;
      const id = `d${n}`;
      corpus[id] = { title: '', text: `a note about ${words[i]} and ${words[j]}` };
      const split = n % 4 === 0 ? 'test' : 'train';
      queries[split][`q${n}`] = { text: `${words[i]} with ${words[j]}` };
      qrels[split][`q${n}`] = { [id]: 1 };
      n++;
    }
  }
  return {
    name: 'synthetic',
    corpus,
    splits: {
      train: { queries: queries.train, qrels: qrels.train },
      test: { queries: queries.test, qrels: qrels.test },
    },
    mainMetric: 'mrr@10',
  };
}
