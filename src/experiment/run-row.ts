/**
 * `runRow`: makes one planned row (plan.ts) of an open grid (grid-workspace.ts), getting
 * every artifact through the one cache (cache.ts): the row itself when sealed, else its
 * evaluation (metrics and TREC run), which needs its query encoder (trained, pruned, or
 * aligned) and its passage index, which need their trained model. Recovery and speedup are
 * computed from the evaluations and latencies the plan names, by `rowFigures`.
 *
 * Each row's TREC run is copied to OUT/runs/<dataset>/<row id>.trec, for significance
 * tests against the row it is compared with; the row's own `comparison` is computed from
 * the two evaluations' runs (row-comparison.ts) before the row is sealed.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultRow, RowComparison, Run } from '../data/types.js';
import { recovery } from '../compress/index.js';
import { evaluateBm25, evaluateDenseOn, readRun, writeRun } from '../eval/index.js';
import { disposeEncoder, pruneLayers, type Encoder } from '../model/index.js';
import { Bm25Index } from '../retrieval/index.js';
import { createEncoderEngine } from '../serve/index.js';
import { pathExists, writeJsonAtomic } from '../util/index.js';
import { isSealed, readJson, seal, type ArtifactRef } from './cache.js';
import type { GridWorkspace } from './grid-workspace.js';
import { round, type Latency } from './latency.js';
import { ensureAligned, type ComputeRecord } from './models.js';
import type { PlannedRow, QuerySource } from './plan.js';
import { compareRowScores, perQueryMainScores } from './row-comparison.js';

/** What an evaluation artifact holds besides its run.trec. */
export interface EvaluationRecord {
  readonly metrics: Readonly<Record<string, number>>;
  readonly numQueries: number;
  /** Seconds spent encoding queries and searching (BM25: building the index too). */
  readonly seconds: number;
}

/** The row `row` of `ws`: from the cache when made, else made, sealed and returned. */
export async function runRow(row: PlannedRow, ws: GridWorkspace): Promise<ResultRow> {
  const ref = ws.keys.row(row);
  let made: ResultRow;
  if (await isSealed(ref)) made = await readJson<ResultRow>(join(ref.dir, 'row.json'));
  else {
    const figures =
      row.query === null ? await bm25Row(row, ws) : await denseRow(row, row.query, ws);
    made = { ...figures, comparison: await rowComparison(row, ws) };
    await writeJsonAtomic(join(ref.dir, 'row.json'), made);
    await seal(ref);
  }
  await mkdir(ws.runsDir, { recursive: true });
  await copyFile(
    join(ws.keys.evaluation(row.query, row.index).dir, 'run.trec'),
    join(ws.runsDir, `${row.id}.trec`),
  );
  return made;
}

/** A row before its comparison (added by runRow). */
type RowFigures = Omit<ResultRow, 'comparison'>;

/**
 * `row` against the row it is compared with (null when none), from the two evaluations'
 * run.trec files; the other row's evaluation is made here if it is not cached yet.
 */
async function rowComparison(row: PlannedRow, ws: GridWorkspace): Promise<RowComparison | null> {
  if (row.comparedWith === null) return null;
  const other = ws.plan.rows.find((r) => r.id === row.comparedWith);
  if (!other)
    throw new Error(
      `grid plan: row "${row.id}" is compared with unknown row "${row.comparedWith}"`,
    );
  await rowEvaluation(other, ws);
  return compareRowScores(
    await mainScores(row, ws),
    { method: other.method, queryLayers: other.queryLayers, scores: await mainScores(other, ws) },
    ws.plan.mainMetric,
  );
}

/** Per-query scores on the main metric, saved beside an evaluation's run (see cachedEvaluation). */
const PER_QUERY_FILE = 'main-per-query.json';

/**
 * A row's per-query main-metric scores: saved with its evaluation, or (an evaluation
 * cached before they were saved) scored again from its run.trec.
 */
async function mainScores(row: PlannedRow, ws: GridWorkspace): Promise<Record<string, number>> {
  const dir = ws.keys.evaluation(row.query, row.index).dir;
  const saved = join(dir, PER_QUERY_FILE);
  if (await pathExists(saved)) return readJson<Record<string, number>>(saved);
  return perQueryScores(ws, await readRun(join(dir, 'run.trec')));
}

function perQueryScores(ws: GridWorkspace, run: Run): Record<string, number> {
  const { dataset, plan, options } = ws;
  return perQueryMainScores(dataset, run, plan.mainMetric, options.maxEvalQueries ?? undefined);
}

/** The evaluation of a planned row (BM25 or dense), from the cache or made now. */
async function rowEvaluation(row: PlannedRow, ws: GridWorkspace): Promise<EvaluationRecord> {
  if (row.query === null) return bm25Evaluation(ws);
  const { query, index } = row;
  return evaluation(query, index!, ws, () => queryEncoder(query, index!, ws));
}

function bm25Evaluation(ws: GridWorkspace): Promise<EvaluationRecord> {
  return cachedEvaluation(ws, ws.keys.evaluation(null, null), async () => {
    const started = performance.now();
    const result = evaluateBm25(Bm25Index.build(ws.dataset.corpus), ws.dataset, {
      maxQueries: ws.options.maxEvalQueries ?? undefined,
    });
    return { ...result, seconds: (performance.now() - started) / 1000 };
  });
}

async function bm25Row(row: PlannedRow, ws: GridWorkspace): Promise<RowFigures> {
  ws.hooks.log(`${ws.dataset.name}: BM25`);
  const evaluation = await bm25Evaluation(ws);
  return {
    ...identity(row, ws),
    metrics: evaluation.metrics,
    latencyMs: null,
    speedup: null,
    speedupInt8: null,
    recovery: null,
    trainSteps: 0,
    computeSeconds: round(evaluation.seconds),
  };
}

async function denseRow(
  row: PlannedRow,
  query: QuerySource,
  ws: GridWorkspace,
): Promise<RowFigures> {
  if (query.kind !== 'trained')
    ws.hooks.log(
      `${ws.dataset.name}: ${row.id} (layers [${query.keptLayers.join(', ')}] of ${query.model})`,
    );
  const made = await queryEncoder(query, row.index!, ws);
  try {
    const metrics = (await evaluation(query, row.index!, ws, borrowed(made.encoder))).metrics;
    const teacher = row.recovery && ws.plan.rows.find((r) => r.id === row.recovery!.teacher)!;
    const mainOf = async (source: QuerySource, index: string) =>
      mainMetric(
        ws,
        (await evaluation(source, index, ws, () => queryEncoder(source, index, ws))).metrics,
      );
    const figures = rowFigures({
      main: mainMetric(ws, metrics),
      latency: await ws.latency(row.queryLayers),
      fullLatency: await ws.latency(ws.plan.fullLayers),
      ...(row.recovery && teacher
        ? {
            teacherMain: await mainOf(teacher.query!, teacher.index!),
            prunedMain: await mainOf(row.recovery.pruned, row.index!),
          }
        : {}),
    });
    return {
      ...identity(row, ws),
      ...(query.kind === 'trained' ? {} : { keptLayers: query.keptLayers }),
      metrics,
      ...figures,
      ...costOf(made.compute),
    };
  } finally {
    made.release();
  }
}

/** Speedup (batch 1; fp32 and int8), recovery where the row has a teacher and pruning lost quality. */
export function rowFigures(input: {
  readonly main: number;
  readonly latency: Latency;
  readonly fullLatency: Latency;
  readonly teacherMain?: number;
  readonly prunedMain?: number;
}): Pick<ResultRow, 'latencyMs' | 'speedup' | 'speedupInt8' | 'recovery' | 'queryGflops'> {
  const { latency, teacherMain, prunedMain } = input;
  return {
    latencyMs: {
      batch1: latency.batch1,
      batch32: latency.batch32,
      engine: latency.engine,
      tfjsBatch1: latency.tfjsBatch1,
      int8Batch1: latency.int8Batch1,
    },
    speedup: round(input.fullLatency.batch1 / latency.batch1, 3),
    // int8 of this encoder against the full model served in fp32: what quantizing buys
    speedupInt8:
      latency.int8Batch1 === null ? null : round(input.fullLatency.batch1 / latency.int8Batch1, 3),
    recovery:
      teacherMain === undefined || prunedMain === undefined
        ? null
        : recoveryOrNull(teacherMain, prunedMain, input.main),
    queryGflops: latency.gflops,
  };
}

/** Recovery applies only where pruning lost quality; otherwise there is nothing to win back. */
export function recoveryOrNull(full: number, pruned: number, aligned: number): number | null {
  if (!(full > pruned)) return null;
  const value = recovery(full, pruned, aligned);
  return value === null ? null : round(value, 4);
}

function identity(row: PlannedRow, ws: GridWorkspace) {
  return {
    dataset: ws.dataset.name,
    method: row.method,
    queryLayers: row.queryLayers,
    passageLayers: row.passageLayers,
  };
}

function mainMetric(ws: GridWorkspace, metrics: Readonly<Record<string, number>>): number {
  const value = metrics[ws.plan.mainMetric];
  if (value === undefined) {
    throw new Error(
      `${ws.dataset.name}: main metric "${ws.plan.mainMetric}" missing from the evaluation (has ${Object.keys(metrics).join(', ')})`,
    );
  }
  return value;
}

/** A query encoder made for a row, what making it cost, and how to free it. */
export interface MadeEncoder {
  readonly encoder: Encoder;
  readonly compute: ComputeRecord | null;
  release(): void;
}

const NO_COST = null;

/**
 * The query encoder `source` describes, searching model `index`'s passage index (an
 * aligned one from the cache, or aligned now and cached). Call `release` when done.
 */
export async function queryEncoder(
  source: QuerySource,
  index: string,
  ws: GridWorkspace,
): Promise<MadeEncoder> {
  const model = await ws.model(source.model);
  if (source.kind === 'trained') {
    return { encoder: model.dual.query, compute: model.compute, release: () => {} };
  }
  const pruned = pruneLayers(model.dual.query, source.keptLayers);
  if (source.kind === 'pruned') {
    return { encoder: pruned, compute: NO_COST, release: () => disposeEncoder(pruned) };
  }
  try {
    const aligned = await ensureAligned(
      ws.keys.aligned(source),
      model.dual.query,
      pruned,
      ws.trainQueries,
      ws.tokenizer,
      {
        ...ws.options.kale,
        loss: source.loss,
        pooling: ws.keys.encode.pooling,
        maxLength: ws.keys.encode.qMaxLen,
      },
      await ws.index(index),
      ws.hooks,
      ws.engine,
    );
    return {
      encoder: aligned.encoder,
      compute: aligned.compute,
      release: () => disposeEncoder(aligned.encoder),
    };
  } finally {
    disposeEncoder(pruned);
  }
}

/** An encoder its owner frees: evaluation must not. */
const borrowed = (encoder: Encoder) => (): Promise<MadeEncoder> =>
  Promise.resolve({ encoder, compute: NO_COST, release: () => {} });

/** `source` evaluated against model `index`'s passage index, through the cache. */
async function evaluation(
  source: QuerySource,
  index: string,
  ws: GridWorkspace,
  encoder: () => Promise<MadeEncoder>,
): Promise<EvaluationRecord> {
  return cachedEvaluation(ws, ws.keys.evaluation(source, index), async () => {
    const made = await encoder(); // only when not cached: aligning or pruning costs
    const { encode } = ws.keys;
    // a snapshot of the encoder's weights as they are now (after alignment)
    const engine = await createEncoderEngine(made.encoder, {
      engine: ws.engine,
      pooling: encode.pooling,
    });
    try {
      return await evaluateDenseOn(engine, ws.tokenizer, await ws.index(index), ws.dataset, {
        maxLength: encode.qMaxLen,
        normalize: encode.normalize,
        maxQueries: ws.options.maxEvalQueries ?? undefined,
        progress: ws.hooks.progress,
        search: ws.engine, // exact either way; ONNX Runtime's is several times faster
      });
    } finally {
      await engine.dispose();
      made.release();
    }
  });
}

/**
 * The evaluation `ref`: metrics.json and run.trec from the cache, or `make`d and sealed,
 * with its per-query main-metric scores for the comparisons that use it.
 */
async function cachedEvaluation(
  ws: GridWorkspace,
  ref: ArtifactRef,
  make: () => Promise<EvaluationRecord & { readonly run: Run }>,
): Promise<EvaluationRecord> {
  if (await isSealed(ref)) return readJson<EvaluationRecord>(join(ref.dir, 'metrics.json'));
  const { run, metrics, numQueries, seconds } = await make();
  const record: EvaluationRecord = { metrics, numQueries, seconds };
  await writeRun(join(ref.dir, 'run.trec'), run, { tag: 'kalelab' });
  await writeJsonAtomic(join(ref.dir, PER_QUERY_FILE), perQueryScores(ws, run));
  await writeJsonAtomic(join(ref.dir, 'metrics.json'), record);
  await seal(ref);
  return record;
}

/** A row's cost fields from what training or alignment recorded (FLOPs when it has them). */
function costOf(
  compute: ComputeRecord | null,
): Pick<ResultRow, 'trainSteps' | 'computeSeconds' | 'computeGflops'> {
  if (compute === null) return { trainSteps: 0, computeSeconds: 0 };
  return {
    trainSteps: compute.steps,
    computeSeconds: round(compute.seconds),
    ...(compute.flops === undefined ? {} : { computeGflops: round(compute.flops / 1e9, 3) }),
  };
}
