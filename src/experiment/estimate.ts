/**
 * How long a grid will take, before it starts: the planned work of every trained model,
 * every alignment and every encoding pass, counted in matrix-product FLOPs
 * (model/flops.ts) and every exact search (2 · queries · documents · width), times three
 * measured rates: seconds per FLOP of one or two real training steps of the grid's full
 * model on the active backend (training, alignment), of a forward pass on the grid's
 * inference engine (encoding: ONNX Runtime runs it several times faster per FLOP than a
 * tfjs training step does), and of a search on that engine.
 *
 * `plannedWork` and `estimateSeconds` are pure (no tensors), so the arithmetic is testable
 * on its own; the two `measure…` functions are the measured numbers. The wall-clock figure
 * puts each model's training on the thread the scheduler gives it (scheduler.ts) and
 * everything else on the main thread; BM25, writing and scoring runs, and latency timing
 * are left out, so it is a guide, not a promise.
 */
import { randomBatch } from '../bench/query-encoder.js';
import { randomVectors } from '../bench/search.js';
import { DEFAULT_KALE_OPTIONS } from '../compress/index.js';
import { measureLatency } from '../eval/latency.js';
import { createEncoder, disposeEncoder, encoderFlops, type BertConfig } from '../model/index.js';
import { searchTopKWith } from '../retrieval/index.js';
import { createEncoderEngine, resolveEngine } from '../serve/index.js';
import { Random } from '../util/random.js';
import { resolveTrainOptions, timeTrainingSteps } from '../train/index.js';
import type { GridOptions } from './options.js';
import type { GridPlan } from './plan.js';

/** What the estimate needs to know of a dataset. */
export interface WorkloadSize {
  readonly trainQueries: number;
  readonly testQueries: number;
  readonly documents: number;
  /** Tokens a batch pads queries / documents to (its longest text, at most the max length). */
  readonly queryTokens: number;
  readonly docTokens: number;
}

export type WorkKind = 'train' | 'align' | 'encode' | 'search';

export interface WorkItem {
  readonly kind: WorkKind;
  /** The model, row or index it is for ('full', 'kale-kl-q1', 'index full', …). */
  readonly label: string;
  /** Optimiser steps (train, align), texts encoded (encode) or queries searched (search). */
  readonly steps: number;
  readonly flops: number;
  /** The thread it runs on: a model the scheduler trains ahead runs on 'background'. */
  readonly thread: 'main' | 'background';
}

/**
 * WordPiece tokens per word assumed when only word counts are known (rare words split into
 * pieces), plus [CLS] and [SEP].
 */
export const TOKENS_PER_WORD = 1.3;
export function tokensFromWords(words: number, maxLength: number): number {
  return Math.min(maxLength, Math.ceil(words * TOKENS_PER_WORD) + 2);
}

type Shape = Omit<BertConfig, 'vocabSize'>;
const withDepth = (model: Shape, layers: number): BertConfig => ({
  ...model,
  numHiddenLayers: layers,
  vocabSize: 0, // embeddings are lookups: no matrix-product FLOPs
});

/**
 * Every model's training, every alignment and every encoding pass the plan makes; the
 * models named in `background` train on the background thread (scheduler.backgroundModels).
 */
export function plannedWork(
  plan: GridPlan,
  grid: Pick<GridOptions, 'model' | 'train' | 'kale' | 'maxEvalQueries'>,
  size: WorkloadSize,
  background: ReadonlySet<string> = new Set(),
): WorkItem[] {
  const t = resolveTrainOptions(grid.train);
  const batch = t.batchSize;
  const accumulation = t.gradientAccumulation;
  const nHard = t.nHard;
  const qLen = Math.min(size.queryTokens, t.qMaxLen);
  const pLen = Math.min(size.docTokens, t.pMaxLen);
  // As trainer.ts's plannedSteps: explicit steps, else whole batches per epoch, whole
  // optimiser steps of them.
  const perEpoch = Math.floor(Math.floor(size.trainQueries / batch) / accumulation);
  const trainSteps = t.steps ?? Math.max(1, Math.round(perEpoch * t.epochs));
  const depth = new Map(plan.models.map((m) => [m.name, m]));
  const items: WorkItem[] = plan.models.map((m) => ({
    kind: 'train',
    label: m.name,
    thread: background.has(m.name) ? 'background' : 'main',
    steps: trainSteps,
    flops:
      trainSteps *
      accumulation *
      3 * // forward + backward ≈ 3 forwards
      (encoderFlops(withDepth(grid.model, m.queryLayers), batch, qLen) +
        encoderFlops(withDepth(grid.model, m.passageLayers), batch * (1 + nHard), pLen)),
  }));
  const kale = { ...DEFAULT_KALE_OPTIONS, ...grid.kale };
  const aLen = Math.min(size.queryTokens, kale.maxLength);
  // As align.ts: explicit steps, else epochs of (possibly partial) batches.
  const alignSteps =
    kale.steps ??
    Math.max(1, Math.ceil(kale.epochs * Math.ceil(size.trainQueries / kale.batchSize)));
  const tested = Math.min(size.testQueries, grid.maxEvalQueries ?? size.testQueries);
  for (const label of evaluations(plan)) {
    items.push({
      kind: 'search',
      label: `search ${label}`,
      thread: 'main',
      steps: tested,
      flops: 2 * tested * size.documents * grid.model.hiddenSize, // exact: every document
    });
  }
  for (const row of plan.rows) {
    if (row.query === null) continue;
    const teacher = depth.get(row.query.model)!;
    const layers = row.query.kind === 'trained' ? teacher.queryLayers : row.query.keptLayers.length;
    if (row.query.kind === 'aligned') {
      items.push({
        kind: 'align',
        label: row.id,
        thread: 'main',
        steps: alignSteps,
        flops:
          alignSteps *
          (encoderFlops(withDepth(grid.model, teacher.queryLayers), kale.batchSize, aLen) +
            3 * encoderFlops(withDepth(grid.model, layers), kale.batchSize, aLen)),
      });
    }
    items.push({
      kind: 'encode',
      label: `queries ${row.id}`,
      thread: 'main',
      steps: tested,
      flops: encoderFlops(withDepth(grid.model, layers), tested, qLen),
    });
  }
  for (const index of new Set(plan.rows.flatMap((r) => (r.index === null ? [] : [r.index])))) {
    items.push({
      kind: 'encode',
      label: `index ${index}`,
      thread: 'main',
      steps: size.documents,
      flops: encoderFlops(
        withDepth(grid.model, depth.get(index)!.passageLayers),
        size.documents,
        pLen,
      ),
    });
  }
  return items;
}

/**
 * Every evaluation the plan makes, one per distinct (query encoder, index): each row's, and
 * the pruned encoders that recovery is measured against where no row evaluates them.
 */
function evaluations(plan: GridPlan): string[] {
  const made = new Map<string, string>();
  for (const row of plan.rows) {
    if (row.query === null) continue;
    made.set(JSON.stringify([row.query, row.index]), row.id);
    if (row.recovery) {
      const key = JSON.stringify([row.recovery.pruned, row.index]);
      if (!made.has(key)) made.set(key, `${row.id} (its pruned encoder)`);
    }
  }
  return [...made.values()];
}

export interface TimeEstimate {
  /** All the work in sequence (compute time). */
  readonly seconds: number;
  /** Wall-clock time: the busier of the main and the background thread. */
  readonly wallSeconds: number;
  readonly byKind: Readonly<Record<WorkKind, number>>;
  /** Optimiser steps of all trained models together. */
  readonly trainSteps: number;
  readonly secondsPerGflop: number;
  readonly encodeSecondsPerGflop: number;
  readonly searchSecondsPerGflop: number;
}

function checkRate(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new Error(`estimateSeconds: ${name} must be a positive number, got ${value}`);
  }
}

/** Measured seconds per FLOP: training and alignment steps; encoding and search (default: train's). */
export interface WorkRates {
  readonly train: number;
  readonly encode?: number;
  readonly search?: number;
}

/** Seconds for `work`, each kind at its rate (alignment at the training rate). */
export function estimateSeconds(work: readonly WorkItem[], rates: WorkRates): TimeEstimate {
  const rate = {
    train: rates.train,
    encode: rates.encode ?? rates.train,
    search: rates.search ?? rates.train,
  };
  for (const [name, value] of Object.entries(rate)) checkRate(`rates.${name}`, value);
  const byKind = { train: 0, align: 0, encode: 0, search: 0 };
  const byThread = { main: 0, background: 0 };
  for (const w of work) {
    const s = w.flops * rate[w.kind === 'align' ? 'train' : w.kind];
    byKind[w.kind] += s;
    byThread[w.thread] += s;
  }
  return Object.freeze({
    seconds: byKind.train + byKind.align + byKind.encode + byKind.search,
    wallSeconds: Math.max(byThread.main, byThread.background),
    byKind: Object.freeze(byKind),
    trainSteps: work.filter((w) => w.kind === 'train').reduce((s, w) => s + w.steps, 0),
    secondsPerGflop: rate.train * 1e9,
    encodeSecondsPerGflop: rate.encode * 1e9,
    searchSecondsPerGflop: rate.search * 1e9,
  });
}

/**
 * Seconds per FLOP of `steps` real training steps (after one warm-up) of the grid's full
 * model on the active backend: forward and backward of both encoders, contrastive loss,
 * AdamW, at the grid's batch size and the lengths given. Random token ids stand in for
 * text (a step's cost depends on the shapes, not on which tokens). The median step counts.
 */
export function measureSecondsPerFlop(
  grid: Pick<GridOptions, 'model' | 'train' | 'vocabSize'>,
  lengths: { readonly queryTokens: number; readonly docTokens: number },
  steps = 2,
): number {
  const t = resolveTrainOptions(grid.train);
  const timing = timeTrainingSteps(
    {
      config: { ...grid.model, vocabSize: grid.vocabSize },
      batch: t.batchSize,
      nHard: t.nHard,
      qLen: lengths.queryTokens,
      pLen: lengths.docTokens,
      pooling: t.pooling,
    },
    steps,
  );
  return timing.medianSeconds / timing.flops;
}

/**
 * Seconds per FLOP of encoding on `engine` (the grid's: 'auto' is ONNX Runtime where it
 * loads): the median of `runs` forward passes, after one warm-up, of a fresh full-depth
 * encoder over 64 texts of `tokens` random token ids (the query-encoder bench's batch).
 */
export async function measureEncodeSecondsPerFlop(
  grid: Pick<GridOptions, 'model' | 'vocabSize' | 'engine' | 'train'>,
  tokens: number,
  runs = 3,
): Promise<number> {
  const config: BertConfig = { ...grid.model, vocabSize: grid.vocabSize };
  const encoder = createEncoder(config, 0);
  const pooling = resolveTrainOptions(grid.train).pooling;
  const engine = await createEncoderEngine(encoder, { engine: grid.engine, pooling });
  try {
    const batchSize = 64;
    const batch = randomBatch(config, batchSize, tokens);
    const timing = await measureLatency(
      async () => {
        await engine.embedBatch(batch);
      },
      { warmup: 1, runs },
    );
    return timing.medianMs / 1000 / encoderFlops(config, batchSize, tokens);
  } finally {
    await engine.dispose();
    disposeEncoder(encoder);
  }
}

/**
 * Seconds per FLOP of exact search on the grid's engine (retrieval/search-ort.ts): the
 * median of `runs` searches, after one warm-up, of 256 random queries over `documents`
 * random vectors (at most 20,000) at the grid's width, top 100.
 */
export async function measureSearchSecondsPerFlop(
  grid: Pick<GridOptions, 'model' | 'engine'>,
  documents: number,
  runs = 3,
): Promise<number> {
  const dim = grid.model.hiddenSize;
  const queries = 256;
  const docs = Math.max(1, Math.min(documents, 20_000));
  const rng = new Random(5);
  const queryVecs = randomVectors(rng, queries, dim);
  const docVecs = randomVectors(rng, docs, dim);
  const engine = await resolveEngine(grid.engine);
  const timing = await measureLatency(
    async () => {
      await searchTopKWith(engine, queryVecs, docVecs, dim, 100);
    },
    { warmup: 1, runs },
  );
  return timing.medianMs / 1000 / (2 * queries * docs * dim);
}
