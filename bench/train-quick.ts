/**
 * Trains a preset on wordnet-senses (WordNet quick dataset unless --full-data) and prints
 * test MRR@10 of BM25, the untrained dual encoder and the trained one, as one JSON object.
 *
 *   npx tsx bench/train-quick.ts [--preset quick|full] [--override '{"lr":1e-3}'] [--model '{"hiddenSize":64}']
 */
import { initBackend } from '../src/backend/index.js';
import { WordPieceTokenizer } from '../src/text/index.js';
import {
  createPresetDualEncoder,
  presetVocab,
  trainDualEncoder,
  trainPreset,
  type TrainOptions,
} from '../src/train/index.js';
import { lineProgress } from '../src/util/index.js';
import { bm25Mrr, denseMrr, sensesDataset } from './lib/senses-test.js';
import { argValue } from './lib/args.js';

const backend = await initBackend({ announce: false });
const base = trainPreset(argValue('preset') ?? 'quick');
const override = JSON.parse(argValue('override') ?? '{}') as TrainOptions & {
  queryLayers?: number;
  shared?: boolean;
  zeroPos?: boolean;
};
const modelOverride = JSON.parse(argValue('model') ?? '{}') as Record<string, number>;
const vocabSize = Number(argValue('vocab') ?? base.vocabSize);
const { queryLayers: _q, shared: _s, zeroPos: _z, ...trainOptions } = override;
const preset = {
  ...base,
  vocabSize,
  model: { ...base.model, ...modelOverride },
  train: { ...base.train, ...trainOptions },
};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const dataset = await sensesDataset(process.argv.includes('--full-data'));
const tokenizer = new WordPieceTokenizer(presetVocab(preset, dataset));
const prepSeconds = (performance.now() - t0) / 1000;
const bm25 = bm25Mrr(dataset);

const dual = createPresetDualEncoder(
  {
    ...preset,
    sharedEmbeddings: override.shared ?? preset.sharedEmbeddings,
    zeroPositionInit: override.zeroPos ?? preset.zeroPositionInit,
  },
  tokenizer.vocab.length,
  override.queryLayers !== undefined ? { queryLayers: override.queryLayers } : {},
);
const untrained = denseMrr(dual, tokenizer, dataset, preset.train);
if (process.argv.includes('--no-train')) {
  process.stdout.write(JSON.stringify({ bm25, untrained }) + '\n');
  process.exit(0);
}
const result = await trainDualEncoder(
  dual,
  tokenizer,
  dataset,
  { ...preset.train, ...trainOptions, logEvery: 20 },
  { progress: lineProgress(10_000) },
);
const trained = denseMrr(dual, tokenizer, dataset, preset.train);
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
    mrr10: { bm25, untrained, trained },
  }) + '\n',
);
