/**
 * Trains a preset on wordnet-senses (WordNet quick dataset unless --full-data) and prints
 * test MRR@10 of BM25, the untrained dual encoder and the trained one, as one JSON object.
 *
 *   npx tsx bench/train-quick.ts [--preset quick|full] [--override '{"lr":1e-3}'] [--model '{"hiddenSize":64}']
 */
import { initBackend } from '../src/backend/index.js';
import { buildWordNetDataset, type RetrievalDataset } from '../src/data/index.js';
import { evaluateRun } from '../src/eval/index.js';
import { embedTexts } from '../src/model/index.js';
import { Bm25Index, searchTopK, topKToRun } from '../src/retrieval/index.js';
import { WordPieceTokenizer } from '../src/text/index.js';
import {
  createPresetDualEncoder,
  passageText,
  presetVocab,
  trainDualEncoder,
  trainPreset,
  type DualEncoder,
  type TrainOptions,
} from '../src/train/index.js';
import { lineProgress } from '../src/util/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const backend = await initBackend({ announce: false });
const base = trainPreset(arg('preset') ?? 'quick');
const override = JSON.parse(arg('override') ?? '{}') as TrainOptions & {
  queryLayers?: number;
  shared?: boolean;
  zeroPos?: boolean;
};
const modelOverride = JSON.parse(arg('model') ?? '{}') as Record<string, number>;
const vocabSize = Number(arg('vocab') ?? base.vocabSize);
const { queryLayers: _q, shared: _s, zeroPos: _z, ...trainOptions } = override;
const preset = {
  ...base,
  vocabSize,
  model: { ...base.model, ...modelOverride },
  train: { ...base.train, ...trainOptions },
};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const dataset: RetrievalDataset = await buildWordNetDataset(
  'wordnet-senses',
  process.argv.includes('--full-data') ? {} : { maxQueries: 3000, corpus: 'related' },
);
const tokenizer = new WordPieceTokenizer(presetVocab(preset, dataset));
const prepSeconds = (performance.now() - t0) / 1000;
const test = dataset.splits.test!;
const docIds = Object.keys(dataset.corpus);
const queryIds = Object.keys(test.queries);

function denseMrr(dual: DualEncoder): number {
  const pooling = preset.train.pooling ?? 'cls';
  const docs = embedTexts(
    dual.passage,
    tokenizer,
    docIds.map((id) => passageText(dataset.corpus[id]!)),
    {
      pooling,
      maxLength: preset.train.pMaxLen,
      batchSize: 128,
    },
  );
  const qs = embedTexts(
    dual.query,
    tokenizer,
    queryIds.map((id) => test.queries[id]!.text),
    {
      pooling,
      maxLength: preset.train.qMaxLen,
      batchSize: 128,
    },
  );
  const top = searchTopK(qs, docs, dual.query.config.hiddenSize, 10, {
    metric: preset.train.similarity === 'cosine' ? 'cosine' : 'ip',
  });
  return evaluateRun(test.qrels, topKToRun(top, queryIds, docIds), ['mrr@10']).aggregate['mrr@10']!;
}

const bm25 = Bm25Index.build(dataset.corpus);
const bm25Mrr = evaluateRun(test.qrels, bm25.searchAll(test.queries, 10), ['mrr@10']).aggregate[
  'mrr@10'
]!;
const dual = createPresetDualEncoder(
  {
    ...preset,
    sharedEmbeddings: override.shared ?? preset.sharedEmbeddings,
    zeroPositionInit: override.zeroPos ?? preset.zeroPositionInit,
  },
  tokenizer.vocab.length,
  override.queryLayers !== undefined ? { queryLayers: override.queryLayers } : {},
);
const untrained = denseMrr(dual);
if (process.argv.includes('--no-train')) {
  process.stdout.write(JSON.stringify({ bm25: bm25Mrr, untrained }) + '\n');
  process.exit(0);
}
const result = await trainDualEncoder(dual, tokenizer, dataset, {
  ...preset.train,
  ...trainOptions,
  progress: lineProgress(10_000),
  logEvery: 20,
});
const trained = denseMrr(dual);
const losses = result.history.map((h) => h.loss);
const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
process.stdout.write(
  JSON.stringify({
    backend: backend.name,
    preset: preset.name,
    options: {
      ...preset.train,
      ...trainOptions,
      shared: override.shared ?? preset.sharedEmbeddings,
      zeroPos: override.zeroPos ?? preset.zeroPositionInit,
      vocab: tokenizer.vocab.length,
      model: preset.model,
    },
    prepSeconds: Number(prepSeconds.toFixed(1)),
    trainSeconds: Number(result.seconds.toFixed(1)),
    cpuSecondsTotal: Number(
      ((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6).toFixed(1),
    ),
    steps: result.steps,
    examplesPerSecond: Number(result.examplesPerSecond.toFixed(1)),
    lossFirst10: Number(avg(losses.slice(0, 10)).toFixed(3)),
    lossLast10: Number(avg(losses.slice(-10)).toFixed(3)),
    mrr10: { bm25: bm25Mrr, untrained, trained },
  }) + '\n',
);
