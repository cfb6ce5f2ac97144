/**
 * What int8 costs and buys on trained models: for each query encoder (the full one, pruned
 * and KALE-aligned ones), the dataset's main metric and batch-1 latency on ONNX Runtime fp32
 * and int8, over one passage index encoded once on ONNX Runtime fp32. Also tfjs latency, so
 * the table holds the serving speedups side by side.
 *
 * On a walkthrough's (or experiment's) output folder — every trained model of its cache with
 * its own query encoder, its pruned copies and their aligned versions, encoded as the grid
 * encodes (the preset's pooling, lengths and normalisation):
 *
 *   npx tsx bench/serve-int8.ts --walkthrough runs/walkthrough [--quick] [--preset quick|full]
 *     [--dataset SPEC]… [--model full] [--max-queries 500] [--threads 2] [--runs 20]
 * (datasets: the walkthrough's, --quick's with --quick, or each --dataset; the cache of each
 * is OUT/<dataset name>/; --model keeps only that model's group.)
 *
 * On checkpoint folders:
 *
 *   npx tsx bench/serve-int8.ts --dataset KIND:PATH --passage DIR \
 *     --query full=DIR --query pruned-3=DIR --query kale-3=DIR \
 *     [--pooling cls] [--normalize] [--split test] [--max-queries 500] [--max-docs N] [--threads 2] [--runs 20]
 * (DIRs are Hugging Face checkpoint folders, e.g. OUT/<dataset>/models/<name>-<key>/query.)
 * Prints one JSON object.
 */
import { initBackend } from '../src/backend/index.js';
import { loadDataset, type RetrievalDataset, type SplitName } from '../src/data/index.js';
import { evaluateDenseOn, queryEncoderLatency } from '../src/eval/index.js';
import {
  datasetRoot,
  encodeSettings,
  GRID_PRESETS,
  walkthroughRun,
  type GridPresetName,
} from '../src/experiment/index.js';
import { disposeEncoder, loadEncoder, pruneLayers, type Pooling } from '../src/model/index.js';
import type { DenseIndex } from '../src/retrieval/index.js';
import { createEncoderEngine } from '../src/serve/index.js';
import { passageText } from '../src/train/index.js';
import { argValue, numberArg } from './lib/args.js';
import { gridGroups, type GridQuery } from './lib/grid-cache.js';

function allValues(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === `--${name}` && process.argv[i + 1] !== undefined) out.push(process.argv[i + 1]!);
  });
  return out;
}

/** How passages and queries are encoded and evaluated. */
interface Settings {
  readonly pooling: Pooling;
  readonly normalize: boolean;
  readonly pMaxLen: number;
  readonly qMaxLen: number;
  readonly split: SplitName;
  readonly maxQueries: number;
  readonly maxDocs: number;
  readonly runs: number;
  readonly ort: { threads?: number };
}

/** The passage index of the encoder at `dir`, on ONNX Runtime fp32. */
async function buildIndex(dir: string, dataset: RetrievalDataset, s: Settings) {
  const ids = Object.keys(dataset.corpus).slice(0, s.maxDocs);
  const passage = await loadEncoder(dir, { trainable: false });
  const engine = await createEncoderEngine(passage.encoder, {
    engine: 'onnxruntime',
    pooling: s.pooling,
    ...s.ort,
  });
  const started = performance.now();
  try {
    const vectors = await engine.embedTexts(
      passage.tokenizer,
      ids.map((id) => passageText(dataset.corpus[id]!)),
      {
        maxLength: Math.min(s.pMaxLen, passage.encoder.config.maxPositionEmbeddings),
        normalize: s.normalize,
        batchSize: 32,
      },
    ); // [ids.length · H]
    const index: DenseIndex = {
      dir: '',
      fingerprint: dir,
      dim: passage.encoder.config.hiddenSize,
      ids,
      vectors,
    };
    return { index, seconds: (performance.now() - started) / 1000 };
  } finally {
    await engine.dispose();
    disposeEncoder(passage.encoder);
  }
}

/** The main metric and batch-1 latency of one query encoder on fp32 and int8, and tfjs's. */
async function measureQuery(
  q: GridQuery,
  index: DenseIndex,
  dataset: RetrievalDataset,
  s: Settings,
): Promise<Record<string, unknown>> {
  const loaded = await loadEncoder(q.dir, { trainable: false });
  const { tokenizer } = loaded;
  const encoder = q.keep ? pruneLayers(loaded.encoder, q.keep) : loaded.encoder;
  if (q.keep) disposeEncoder(loaded.encoder);
  const sample = Object.values(dataset.splits[s.split]?.queries ?? {})
    .map((x) => x.text)
    .slice(0, 256);
  const timing = { batchSizes: [1], runs: s.runs, warmup: 3, maxLength: s.qMaxLen };
  try {
    const row: Record<string, unknown> = { query: q.name, layers: encoder.config.numHiddenLayers };
    const tfjs = await queryEncoderLatency(encoder, tokenizer, sample, timing);
    row['tfjsBatch1Ms'] = tfjs.byBatch[1]!.medianMs;
    const at: Record<string, { metrics: Record<string, number>; batch1Ms: number }> = {};
    for (const precision of ['fp32', 'int8'] as const) {
      const engine = await createEncoderEngine(encoder, {
        engine: 'onnxruntime',
        pooling: s.pooling,
        precision,
        ...s.ort,
      });
      try {
        const result = await evaluateDenseOn(engine, tokenizer, index, dataset, {
          split: s.split,
          maxQueries: s.maxQueries,
          normalize: s.normalize,
          maxLength: s.qMaxLen,
        });
        const latency = await queryEncoderLatency(encoder, tokenizer, sample, {
          ...timing,
          embedBatch: engine.embedBatch,
        });
        at[precision] = { metrics: { ...result.metrics }, batch1Ms: latency.byBatch[1]!.medianMs };
      } finally {
        await engine.dispose();
      }
    }
    const main = dataset.mainMetric;
    const fp32 = at['fp32']!;
    const int8 = at['int8']!;
    return {
      ...row,
      fp32,
      int8,
      mainMetric: main,
      int8RelativeChange:
        fp32.metrics[main]! > 0
          ? (int8.metrics[main]! - fp32.metrics[main]!) / fp32.metrics[main]!
          : null,
      int8Speedup: fp32.batch1Ms / int8.batch1Ms,
      ortSpeedupOverTfjs: tfjs.byBatch[1]!.medianMs / fp32.batch1Ms,
    };
  } finally {
    disposeEncoder(encoder);
  }
}

const common = {
  split: (argValue('split') ?? 'test') as SplitName,
  maxQueries: numberArg('max-queries', 500),
  maxDocs: numberArg('max-docs', Infinity),
  runs: numberArg('runs', 20),
  ort: numberArg('threads', 0) > 0 ? { threads: numberArg('threads', 0) } : {},
};

const backend = await initBackend({ announce: false });
const out = argValue('walkthrough');
const results: unknown[] = [];
if (out !== undefined) {
  const quick = process.argv.includes('--quick');
  const preset = (argValue('preset') ?? (quick ? 'quick' : 'full')) as GridPresetName;
  if (!GRID_PRESETS[preset]) throw new Error(`--preset: unknown preset "${preset}"`);
  const encode = encodeSettings(GRID_PRESETS[preset].train);
  const settings: Settings = { ...common, ...encode };
  const specs = allValues('dataset');
  const onlyModel = argValue('model');
  for (const spec of specs.length > 0 ? specs : walkthroughRun(quick ? 'quick' : 'full').datasets) {
    const dataset = await loadDataset(spec);
    const root = datasetRoot(out, dataset.name);
    const groups = (await gridGroups(root)).filter((g) => !onlyModel || g.model === onlyModel);
    for (const group of groups) {
      const { index, seconds } = await buildIndex(`${group.modelDir}/passage`, dataset, settings);
      const rows = [];
      for (const q of group.queries) rows.push(await measureQuery(q, index, dataset, settings));
      results.push({
        dataset: dataset.name,
        model: group.model,
        modelDir: group.modelDir,
        docs: index.ids.length,
        indexSeconds: seconds,
        rows,
      });
    }
  }
  process.stdout.write(
    JSON.stringify({ backend: backend.name, preset, ...common, groups: results }, null, 2) + '\n',
  );
} else {
  const spec = argValue('dataset');
  const passageDir = argValue('passage');
  const queries = allValues('query').map((q) => {
    const at = q.indexOf('=');
    if (at < 1) throw new Error(`--query: expected NAME=DIR, got "${q}"`);
    return { name: q.slice(0, at), dir: q.slice(at + 1) };
  });
  if (spec === undefined || passageDir === undefined || queries.length === 0) {
    throw new Error(
      'usage: --walkthrough OUT [--quick] | --dataset KIND:PATH --passage DIR --query NAME=DIR [--query …]',
    );
  }
  const settings: Settings = {
    ...common,
    pooling: (argValue('pooling') ?? 'cls') as Pooling,
    normalize: process.argv.includes('--normalize'),
    pMaxLen: numberArg('passage-max-length', 256),
    qMaxLen: numberArg('query-max-length', 32),
  };
  const dataset = await loadDataset(spec);
  const { index, seconds } = await buildIndex(passageDir, dataset, settings);
  for (const q of queries) results.push(await measureQuery(q, index, dataset, settings));
  process.stdout.write(
    JSON.stringify(
      {
        backend: backend.name,
        dataset: dataset.name,
        docs: index.ids.length,
        split: settings.split,
        maxQueries: settings.maxQueries,
        indexSeconds: seconds,
        threads: common.ort.threads ?? null,
        rows: results,
      },
      null,
      2,
    ) + '\n',
  );
}
