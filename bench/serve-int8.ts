/**
 * What int8 costs and buys on trained models: for each query encoder (the full one, pruned
 * and KALE-aligned ones), the dataset's main metric and batch-1 latency on ONNX Runtime fp32
 * and int8, over one passage index encoded once on ONNX Runtime fp32. Also tfjs latency, so
 * the table holds the serving speedups side by side.
 *
 *   npx tsx bench/serve-int8.ts --dataset KIND:PATH --passage DIR \
 *     --query full=DIR --query pruned-3=DIR --query kale-3=DIR \
 *     [--pooling cls] [--normalize] [--split test] [--max-queries 500] [--max-docs N] [--threads 2] [--runs 20]
 * (DIRs are Hugging Face checkpoint folders, e.g. a walkthrough's models/<name>/query.)
 * Prints one JSON object.
 */
import { initBackend } from '../src/backend/index.js';
import { loadDataset, type SplitName } from '../src/data/index.js';
import { evaluateDenseOn, queryEncoderLatency } from '../src/eval/index.js';
import { disposeEncoder, loadEncoder, type Pooling } from '../src/model/index.js';
import { createEncoderEngine } from '../src/serve/index.js';
import { passageText } from '../src/train/index.js';
import { argValue, numberArg } from './lib/args.js';

function allValues(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === `--${name}` && process.argv[i + 1] !== undefined) out.push(process.argv[i + 1]!);
  });
  return out;
}

const spec = argValue('dataset');
const passageDir = argValue('passage');
const queries = allValues('query').map((q) => {
  const at = q.indexOf('=');
  if (at < 1) throw new Error(`--query: expected NAME=DIR, got "${q}"`);
  return { name: q.slice(0, at), dir: q.slice(at + 1) };
});
if (spec === undefined || passageDir === undefined || queries.length === 0) {
  throw new Error('usage: --dataset KIND:PATH --passage DIR --query NAME=DIR [--query …]');
}
const pooling = (argValue('pooling') ?? 'cls') as Pooling;
const normalize = process.argv.includes('--normalize');
const split = (argValue('split') ?? 'test') as SplitName;
const maxQueries = numberArg('max-queries', 500);
const maxDocs = numberArg('max-docs', Infinity);
const threads = numberArg('threads', 0) || undefined;
const runs = numberArg('runs', 20);
const ortOptions = threads !== undefined ? { threads } : {};

const backend = await initBackend({ announce: false });
const dataset = await loadDataset(spec);
const ids = Object.keys(dataset.corpus).slice(0, maxDocs);
const passage = await loadEncoder(passageDir, { trainable: false });
const passageEngine = await createEncoderEngine(passage.encoder, {
  engine: 'onnxruntime',
  pooling,
  ...ortOptions,
});
const started = performance.now();
const vectors = await passageEngine.embedTexts(
  passage.tokenizer,
  ids.map((id) => passageText(dataset.corpus[id]!)),
  {
    maxLength: Math.min(256, passage.encoder.config.maxPositionEmbeddings),
    normalize,
    batchSize: 32,
  },
);
const indexSeconds = (performance.now() - started) / 1000;
await passageEngine.dispose();
disposeEncoder(passage.encoder);
const index = {
  dir: '',
  fingerprint: passageDir,
  dim: passage.encoder.config.hiddenSize,
  ids,
  vectors,
};
const sample = Object.values(dataset.splits[split]?.queries ?? {})
  .map((q) => q.text)
  .slice(0, 256);

const rows = [];
for (const q of queries) {
  const { encoder, tokenizer } = await loadEncoder(q.dir, { trainable: false });
  const row: Record<string, unknown> = { query: q.name, layers: encoder.config.numHiddenLayers };
  const tfjsLatency = await queryEncoderLatency(encoder, tokenizer, sample, {
    batchSizes: [1],
    runs,
    warmup: 3,
  });
  row['tfjsBatch1Ms'] = tfjsLatency.byBatch[1]!.medianMs;
  for (const precision of ['fp32', 'int8'] as const) {
    const engine = await createEncoderEngine(encoder, {
      engine: 'onnxruntime',
      pooling,
      precision,
      ...ortOptions,
    });
    const result = await evaluateDenseOn(engine, tokenizer, index, dataset, {
      split,
      maxQueries,
      normalize,
    });
    const latency = await queryEncoderLatency(encoder, tokenizer, sample, {
      batchSizes: [1],
      runs,
      warmup: 3,
      embedBatch: engine.embedBatch,
    });
    row[precision] = { metrics: result.metrics, batch1Ms: latency.byBatch[1]!.medianMs };
    await engine.dispose();
  }
  const main = dataset.mainMetric;
  const fp32 = row['fp32'] as { metrics: Record<string, number>; batch1Ms: number };
  const int8 = row['int8'] as { metrics: Record<string, number>; batch1Ms: number };
  row['mainMetric'] = main;
  row['int8RelativeChange'] =
    fp32.metrics[main]! > 0
      ? (int8.metrics[main]! - fp32.metrics[main]!) / fp32.metrics[main]!
      : null;
  row['int8Speedup'] = fp32.batch1Ms / int8.batch1Ms;
  row['ortSpeedupOverTfjs'] = (row['tfjsBatch1Ms'] as number) / fp32.batch1Ms;
  rows.push(row);
  disposeEncoder(encoder);
}
process.stdout.write(
  JSON.stringify(
    {
      backend: backend.name,
      dataset: dataset.name,
      docs: ids.length,
      split,
      maxQueries,
      indexSeconds,
      threads: threads ?? null,
      rows,
    },
    null,
    2,
  ) + '\n',
);
