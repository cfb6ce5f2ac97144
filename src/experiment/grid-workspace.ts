/**
 * A grid opened on one dataset: its plan, the cache keys of every artifact, the tokenizer,
 * the models and indexes loaded so far (each once), query-encoder latency per depth, and
 * the background thread training ahead. `runRow` makes rows from it; `runGrid` is the
 * loop over the plan. Notebooks open one too, to run or inspect single rows.
 *
 * Latency depends on the architecture, not the weights: every depth is measured at open,
 * on fresh encoders, before anything trains beside us (the worker would add noise), and
 * only when some row is still to be made. A first pass only warms the backend up.
 *
 * What the grid starts from (plan, keys, vocabulary, config) is grid-start.ts; its models
 * and indexes, each made once, are model-loader.ts.
 */
import { basename, join } from 'node:path';
import type { RetrievalDataset } from '../data/types.js';
import { availableCores } from '../backend/index.js';
import { evaluationSplit } from '../eval/index.js';
import { disposeEncoder } from '../model/index.js';
import type { DenseIndex } from '../retrieval/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { loadWordVectors, wordEmbeddingRows, type WordEmbeddingInit } from '../train/index.js';
import { silentProgress, type ProgressSink } from '../util/index.js';
import { datasetRoot, isSealed } from './cache.js';
import { prepareGrid, vocabFile } from './grid-start.js';
import type { GridKeys } from './keys.js';
import { modelLoader, type UntrainedModel } from './model-loader.js';
import type { ModelHooks, TrainedDual } from './models.js';
import { withTrainWorkers, type GridOptions } from './options.js';
import { latencyMeter, latencyTexts, type Latency } from './latency.js';
import type { GridPlan, PlannedModel, PlannedRow } from './plan.js';
import { trainAhead } from './scheduler.js';

/** OUT/runs/<dataset>: where each row's TREC run is kept as <row id>.trec. */
export function runsDirOf(out: string, datasetName: string): string {
  return join(out, 'runs', basename(datasetRoot(out, datasetName)));
}

export interface GridHooks extends ModelHooks {
  /** Progress of long loops (encoding, training, alignment). */
  readonly progress?: ProgressSink;
  /** One human-readable line per phase. */
  readonly log?: (line: string) => void;
  /** Stops training on this thread at the next step boundary (a checkpoint is kept). */
  readonly signal?: AbortSignal;
}

export interface GridContext {
  /** Output folder: the cache goes under OUT/<dataset>/, TREC runs under OUT/runs/<dataset>/. */
  readonly out: string;
  /** A Hugging Face checkpoint to start every trained model from (its tokenizer too). */
  readonly init?: string;
}

export interface GridWorkspace {
  readonly dataset: RetrievalDataset;
  readonly options: GridOptions;
  readonly plan: GridPlan;
  readonly keys: GridKeys;
  readonly tokenizer: WordPieceTokenizer;
  /** Where each row's TREC run is copied: OUT/runs/<dataset>/<row id>.trec. */
  readonly runsDir: string;
  /** Texts of the training queries (what alignment runs on). */
  readonly trainQueries: readonly string[];
  readonly hooks: GridHooks & Required<Pick<GridHooks, 'progress' | 'log'>>;
  /** The trained dual encoder `name` of the plan: loaded or trained once, kept until close. */
  model(name: string): Promise<TrainedDual>;
  /**
   * Model `name` as its training starts (the same seed, word vectors and init) and its
   * passage index (cached): the reference that shows what training bought. The model is
   * made anew each call; dispose it when done.
   */
  untrained(name: string): Promise<UntrainedModel>;
  /** The passage index of model `name`. */
  index(name: string): Promise<DenseIndex>;
  latency(depth: number): Promise<Latency>;
  /** The engine options.engine resolved to: inference of indexes, evaluations, KALE targets. */
  readonly engine: 'onnxruntime' | 'tfjs';
  /** Stops the background thread and frees every loaded model. */
  close(): Promise<void>;
}

/** Opens the grid on `dataset`; see the file header. Close it when done. */
export async function openGridWorkspace(
  dataset: RetrievalDataset,
  given: GridOptions,
  context: GridContext,
  hooks: GridHooks = {},
): Promise<GridWorkspace> {
  const options = withTrainWorkers(given, availableCores());
  const log = hooks.log ?? (() => {});
  const progress = hooks.progress ?? silentProgress;
  const start = await prepareGrid(dataset, options, context, log);
  const { plan, keys, tokenizer, config } = start;
  const pending = await pendingRows(plan, keys);
  const latency = latencyMeter(
    config,
    options,
    tokenizer,
    latencyTexts(dataset, options),
    keys.encode.qMaxLen,
    start.engine,
  );
  if (pending.some((r) => r.query !== null)) {
    await latency.warm([plan.fullLayers, ...pending.map((r) => r.queryLayers)]);
  }
  let words: Promise<WordEmbeddingInit | undefined> | undefined;
  const wordEmbeddings = (): Promise<WordEmbeddingInit | undefined> => {
    const source = start.wordVectors;
    if (source === null) return Promise.resolve(undefined);
    words ??= loadWordVectors(source, tokenizer.vocab).then((vectors) => {
      const rows = wordEmbeddingRows(tokenizer, vectors, config.hiddenSize);
      log(
        `${dataset.name}: word embeddings from ${source}: ${rows.coveredCount} of ${tokenizer.vocab.length} tokens`,
      );
      return rows;
    });
    return words;
  };
  const ahead = await trainAhead(
    {
      dataset,
      models: neededModels(plan, pending),
      keys,
      vocab: vocabFile(keys.vocab),
      config,
      seed: options.seed,
      train: options.train,
      encode: keys.encode,
      engine: start.engine,
      ...(context.init ? { init: context.init } : {}),
      wordEmbeddings,
    },
    options.backgroundTraining,
    { progress, log, ...(hooks.onTrainStep ? { onTrainStep: hooks.onTrainStep } : {}) },
  );
  const loader = modelLoader(start, dataset, options, ahead, wordEmbeddings, {
    ...hooks,
    progress,
    log,
  });
  return {
    dataset,
    options,
    plan,
    keys,
    tokenizer,
    runsDir: runsDirOf(context.out, dataset.name),
    trainQueries: Object.values(evaluationSplit(dataset, 'train').queries).map((q) => q.text),
    hooks: { ...hooks, progress, log },
    model: loader.model,
    index: loader.index,
    untrained: loader.untrained,
    latency: latency.measure,
    engine: start.engine,
    async close() {
      await ahead.terminate();
      await loader.dispose();
      if (start.init) disposeEncoder(start.init);
    },
  };
}

/** Rows of the plan not yet made and sealed. */
export async function pendingRows(plan: GridPlan, keys: GridKeys): Promise<PlannedRow[]> {
  const out: PlannedRow[] = [];
  for (const row of plan.rows) if (!(await isSealed(keys.row(row)))) out.push(row);
  return out;
}

/** The models `rows` need (their own, their index's, their teacher's), in plan order. */
export function neededModels(plan: GridPlan, rows: readonly PlannedRow[]): PlannedModel[] {
  const names = new Set<string>();
  for (const r of rows) {
    if (r.query) names.add(r.query.model);
    if (r.index !== null) names.add(r.index);
    const teacher = r.recovery && plan.rows.find((t) => t.id === r.recovery!.teacher);
    if (teacher?.query) names.add(teacher.query.model);
  }
  return plan.models.filter((m) => names.has(m.name));
}
