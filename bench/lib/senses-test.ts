/**
 * The wordnet-senses test bed the training benchmarks share: the quick WordNet dataset
 * (or the whole of WordNet), and test MRR@10 of BM25 and of a dual encoder.
 */
import { buildWordNetDataset, type RetrievalDataset } from '../../src/data/index.js';
import { evaluateRun } from '../../src/eval/index.js';
import { embedTexts } from '../../src/model/index.js';
import { Bm25Index, searchTopK, topKToRun } from '../../src/retrieval/index.js';
import type { WordPieceTokenizer } from '../../src/text/index.js';
import { passageText, type DualEncoder, type TrainOptions } from '../../src/train/index.js';

export async function sensesDataset(fullData = false): Promise<RetrievalDataset> {
  return buildWordNetDataset(
    'wordnet-senses',
    fullData ? {} : { maxQueries: 3000, corpus: 'related' },
  );
}

export function testMrr(
  dataset: RetrievalDataset,
  run: Record<string, Record<string, number>>,
): number {
  return evaluateRun(dataset.splits.test!.qrels, run, ['mrr@10']).aggregate['mrr@10']!;
}

export function bm25Mrr(dataset: RetrievalDataset): number {
  return testMrr(
    dataset,
    Bm25Index.build(dataset.corpus).searchAll(dataset.splits.test!.queries, 10),
  );
}

/** Test MRR@10 of `dual`, encoding as `train` says (pooling, lengths, cosine or dot product). */
export function denseMrr(
  dual: DualEncoder,
  tokenizer: WordPieceTokenizer,
  dataset: RetrievalDataset,
  train: TrainOptions,
): number {
  const test = dataset.splits.test!;
  const docIds = Object.keys(dataset.corpus);
  const queryIds = Object.keys(test.queries);
  const encode = { pooling: train.pooling ?? 'cls', batchSize: 128 } as const;
  const docs = embedTexts(
    dual.passage,
    tokenizer,
    docIds.map((id) => passageText(dataset.corpus[id]!)),
    { ...encode, maxLength: train.pMaxLen },
  );
  const queries = embedTexts(
    dual.query,
    tokenizer,
    queryIds.map((id) => test.queries[id]!.text),
    { ...encode, maxLength: train.qMaxLen },
  );
  const top = searchTopK(queries, docs, dual.query.config.hiddenSize, 10, {
    metric: train.similarity === 'cosine' ? 'cosine' : 'ip',
  });
  return testMrr(dataset, topKToRun(top, queryIds, docIds));
}
