import type { RetrievalDataset } from '../../src/data/types.js';

/** A small synthetic task: each query names its document's two topic words. */
export function syntheticDataset(): RetrievalDataset {
  const words = [
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
  ];
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
