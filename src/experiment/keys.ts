/**
 * The cache keys of every artifact in a grid plan (see cache.ts): what each is made from,
 * as plain content. A model's key holds the dataset fingerprint, the tokenizer's origin,
 * its shape and depths, its seed, the word-vector source and the training options that
 * change numbers (not callbacks, checkpoint cadence or logging); an index's holds its
 * model's key; an aligned encoder's its teacher's key, layer map and alignment options; an
 * evaluation's its encoder's and index's keys; a row's its evaluation's, those of the
 * rows its recovery and its comparison (with the test's settings and metric) are made from. So a change reaches exactly the artifacts downstream of it.
 *
 * Pure apart from reading nothing: it computes names, it does not look at the disk.
 */
import { resolveKaleOptions, type AlignmentLossName } from '../compress/index.js';
import type { Pooling } from '../model/index.js';
import { resolveTrainOptions, type TrainOptions } from '../train/index.js';
import { artifactRef, type ArtifactRef } from './cache.js';
import type { GridOptions } from './options.js';
import type { GridPlan, PlannedRow, QuerySource } from './plan.js';
import { ROW_COMPARISON } from './row-comparison.js';

/**
 * Bumped when a maker changes what it produces for the same inputs, so that artifacts of
 * an older kalelab are not taken for current ones.
 */
export const ARTIFACT_FORMAT = 1;

/**
 * The from-scratch initialisation recipe (experiment/models.ts freshDual): part of a fresh
 * model's key, so models made by an earlier recipe are never taken for current ones.
 */
export const FRESH_INIT = 'zero-positions+scaled-residual';

/** How the grid encodes queries and passages, from the training options (their defaults). */
export interface EncodeSettings {
  readonly qMaxLen: number;
  readonly pMaxLen: number;
  readonly pooling: Pooling;
  /** Trained with cosine similarity: unit vectors on both sides, so inner product = cosine. */
  readonly normalize: boolean;
}

export function encodeSettings(train: TrainOptions): EncodeSettings {
  const o = resolveTrainOptions(train);
  return Object.freeze({
    qMaxLen: o.qMaxLen,
    pMaxLen: o.pMaxLen,
    pooling: o.pooling,
    normalize: o.similarity === 'cosine',
  });
}

/** The training options that change a model's weights, defaults filled in. */
export function trainContent(train: TrainOptions): Record<string, unknown> {
  const {
    checkpointDir: _dir,
    checkpointEvery: _every,
    resume: _resume,
    logEvery: _log,
    workers,
    ...numeric
  } = resolveTrainOptions(train);
  // One worker is the single-process step every model was trained with before data-parallel
  // training existed: it adds nothing, keeping those keys. More workers round differently.
  return workers === undefined || workers === 1 ? numeric : { ...numeric, workers };
}

/** What the keys are computed from besides the plan. */
export interface KeySettings {
  /** datasetRoot(out, dataset.name). */
  readonly root: string;
  /** datasetFingerprint(dataset). */
  readonly dataset: string;
  readonly options: GridOptions;
  /** The init checkpoint's folder, or null for from-scratch models. */
  readonly init: string | null;
  /** The word vectors actually used (null when none, with init, or when not installed). */
  readonly wordVectors: string | null;
  /** The inference engine `options.engine` resolved to (default 'tfjs'). */
  readonly engine?: 'onnxruntime' | 'tfjs';
}

export interface GridKeys {
  readonly vocab: ArtifactRef;
  readonly encode: EncodeSettings;
  model(name: string): ArtifactRef;
  index(model: string): ArtifactRef;
  /** The passage index of model `model` as its training starts (GridWorkspace.untrained). */
  untrainedIndex(model: string): ArtifactRef;
  aligned(source: QuerySource & { readonly kind: 'aligned' }): ArtifactRef;
  /** The evaluation of `source` against `index`'s passage index; (null, null) is BM25. */
  evaluation(source: QuerySource | null, index: string | null): ArtifactRef;
  row(row: PlannedRow): ArtifactRef;
}

export function gridKeys(plan: GridPlan, s: KeySettings): GridKeys {
  const o = s.options;
  const encode = encodeSettings(o.train);
  const tokenizer = s.init === null ? { vocabSize: o.vocabSize } : { init: s.init };
  const vocab = artifactRef(s.root, 'vocab', 'vocab', {
    format: ARTIFACT_FORMAT,
    dataset: s.dataset,
    tokenizer,
  });
  const train = trainContent(o.train);
  // Inference changes numbers by ~1e-6 between engines (ties in a ranking can flip), so what
  // it makes names its engine; tfjs adds nothing, keeping the keys tfjs always had.
  // Trained models are made on tfjs either way: their keys never hold it.
  const onEngine = s.engine === 'onnxruntime' ? { engine: s.engine } : {};
  const model = (name: string): ArtifactRef => {
    const planned = plan.models.find((m) => m.name === name);
    if (!planned) throw new Error(`grid plan has no model "${name}"`);
    return artifactRef(s.root, 'models', name, {
      vocab: vocab.key,
      shape: s.init === null ? o.model : { init: s.init },
      ...(s.init === null ? { fresh: FRESH_INIT } : {}),
      queryLayers: planned.queryLayers,
      passageLayers: planned.passageLayers,
      seed: o.seed,
      wordVectors: s.wordVectors,
      train,
    });
  };
  const indexOf = (name: string, untrained: boolean): ArtifactRef =>
    artifactRef(s.root, 'index', untrained ? `${name}-untrained` : name, {
      model: model(name).key,
      ...(untrained ? { untrained } : {}),
      maxLength: encode.pMaxLen,
      pooling: encode.pooling,
      normalize: encode.normalize,
      ...onEngine,
    });
  const index = (name: string): ArtifactRef => indexOf(name, false);
  const untrainedIndex = (name: string): ArtifactRef => indexOf(name, true);
  const aligned = (source: QuerySource & { readonly kind: 'aligned' }): ArtifactRef =>
    artifactRef(s.root, 'aligned', sourceName(source), {
      teacher: model(source.model).key,
      keptLayers: source.keptLayers,
      kale: kaleContent(o, source.loss, encode),
      ...onEngine, // teacher targets
    });
  const encoderKey = (source: QuerySource): unknown =>
    source.kind === 'aligned'
      ? { aligned: aligned(source).key }
      : {
          model: model(source.model).key,
          keptLayers: source.kind === 'pruned' ? source.keptLayers : 'all',
        };
  const evaluation = (source: QuerySource | null, indexName: string | null): ArtifactRef =>
    artifactRef(s.root, 'evals', source ? `${sourceName(source)}@${indexName}` : 'bm25', {
      format: ARTIFACT_FORMAT,
      dataset: s.dataset,
      query: source ? encoderKey(source) : 'bm25',
      index: source && indexName !== null ? index(indexName).key : 'bm25',
      split: 'test',
      maxQueries: o.maxEvalQueries,
      ...(source
        ? { maxLength: encode.qMaxLen, pooling: encode.pooling, normalize: encode.normalize }
        : {}),
      ...(source ? onEngine : {}),
    });
  const rowEval = (row: PlannedRow) => evaluation(row.query, row.index);
  const byId = (id: string) => plan.rows.find((r) => r.id === id)!;
  const row = (r: PlannedRow): ArtifactRef =>
    artifactRef(s.root, 'rows', r.id, {
      id: r.id,
      method: r.method,
      evaluation: rowEval(r).key,
      cost:
        r.query?.kind === 'aligned'
          ? aligned(r.query).key
          : r.query
            ? model(r.query.model).key
            : null,
      recovery: r.recovery && {
        teacher: rowEval(byId(r.recovery.teacher)).key,
        pruned: evaluation(r.recovery.pruned, r.index).key,
      },
      comparison: r.comparedWith && {
        evaluation: rowEval(byId(r.comparedWith)).key,
        metric: plan.mainMetric,
        ...ROW_COMPARISON,
      },
      latencyRuns: o.latencyRuns,
      // rows hold the serving engine's latency, tfjs's and int8's beside it
      latency: r.query ? { engine: s.engine ?? 'tfjs', int8: true } : null,
    });
  return Object.freeze({ vocab, encode, model, index, untrainedIndex, aligned, evaluation, row });
}

/** Alignment options as run: the grid's, with the row's loss and the grid's encoding. */
export function kaleContent(
  o: GridOptions,
  loss: AlignmentLossName,
  encode: EncodeSettings,
): Record<string, unknown> {
  const {
    checkpointDir: _dir,
    checkpointEvery: _every,
    ...numeric
  } = resolveKaleOptions({ ...o.kale, loss, pooling: encode.pooling, maxLength: encode.qMaxLen });
  return numeric;
}

/** A readable name for a query encoder: `full`, `full-keep0.3`, `full-keep0.3-kl`. */
export function sourceName(source: QuerySource): string {
  if (source.kind === 'trained') return source.model;
  const kept = `${source.model}-keep${source.keptLayers.join('.')}`;
  return source.kind === 'pruned' ? kept : `${kept}-${source.loss}`;
}
