/**
 * Per-dataset evaluation: a query encoder plus a passage index (or BM25) on one split of a
 * dataset → a run and the dataset's metrics. The index is an input, never built here: the
 * passage side is encoded once (retrieval/index-store) and shared by every query encoder.
 *
 * Metrics per dataset: its main metric first, then mrr@10, ndcg@10, recall@100 and
 * accuracy@20/100. `accuracy@K` is DPR's answer-string accuracy when the split's queries
 * carry answers (DPR-format data), else the qrels-based top-k accuracy (a relevant
 * document in the top K, over queries with one) — see metrics.ts and answers.ts.
 */
import type { Queries, Qrels, RetrievalDataset, Run, Split, SplitName } from '../data/types.js';
import type { DenseIndex } from '../retrieval/index-store.js';
import { searchTopK, topKToRun } from '../retrieval/search.js';
import { searchTopKWith, type SearchEngine } from '../retrieval/search-ort.js';
import type { Bm25Index } from '../retrieval/bm25.js';
import { embedTexts, type Encoder, type Pooling } from '../model/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { silentProgress, type ProgressSink } from '../util/progress.js';
import { answerAccuracy } from './answers.js';
import { evaluateRun } from './metrics.js';
import { parseMetric } from './metric-names.js';

export const STANDARD_METRICS: readonly string[] = Object.freeze([
  'mrr@10',
  'ndcg@10',
  'recall@100',
  'accuracy@20',
  'accuracy@100',
]);

/** Retrieval depth of every run: enough for recall@100 and accuracy@100. */
export const DEFAULT_DEPTH = 100;

/** The metrics reported for `dataset`: its main metric first, then the standard set. */
export function datasetMetrics(dataset: Pick<RetrievalDataset, 'mainMetric'>): string[] {
  return [...new Set([dataset.mainMetric, ...STANDARD_METRICS])];
}

/** The split to evaluate on, or a clear error naming the ones that exist. */
export function evaluationSplit(dataset: RetrievalDataset, split: SplitName): Split {
  const found = dataset.splits[split];
  if (!found) {
    throw new Error(
      `dataset "${dataset.name}" has no "${split}" split (has: ${Object.keys(dataset.splits).join(', ')})`,
    );
  }
  return found;
}

/** Queries with at least one qrels entry (the ones that can be scored), in id order. */
export function judgedQueries(split: Split, limit?: number): Queries {
  const ids = Object.keys(split.queries)
    .filter((id) => Object.hasOwn(split.qrels, id))
    .sort();
  const kept = limit === undefined ? ids : ids.slice(0, limit);
  return Object.fromEntries(kept.map((id) => [id, split.queries[id]!]));
}

/** Scores `run` with `metrics`; accuracy@K comes from answer strings where queries have them. */
export function scoreRun(
  dataset: RetrievalDataset,
  queries: Queries,
  qrels: Qrels,
  run: Run,
  metrics: readonly string[] = datasetMetrics(dataset),
): Record<string, number> {
  if (metrics.length === 0) throw new Error('scoreRun: no metrics given');
  const specs = metrics.map((m) => parseMetric(m));
  const withAnswers = Object.values(queries).some((q) => (q.answers?.length ?? 0) > 0);
  // With answer strings, accuracy@K is DPR's answer accuracy; everything else comes from qrels.
  const fromAnswers = specs.filter((s) => withAnswers && s.family === 'accuracy');
  const fromQrels = specs.filter((s) => !fromAnswers.includes(s));
  const scopedQrels = Object.fromEntries(
    Object.keys(queries)
      .filter((id) => Object.hasOwn(qrels, id))
      .map((id) => [id, qrels[id]!]),
  );
  // DPR metrics are often all answer-based: then there is nothing to ask of the qrels.
  const out: Record<string, number> =
    fromQrels.length === 0
      ? {}
      : {
          ...evaluateRun(
            scopedQrels,
            run,
            fromQrels.map((s) => s.name),
            { complete: true },
          ).aggregate,
        };
  if (fromAnswers.length > 0) {
    const ks = fromAnswers.map((s) => s.k!);
    Object.assign(out, answerAccuracy(queries, run, dataset.corpus, ks).aggregate);
  }
  // Keep the caller's order, main metric first.
  return Object.fromEntries(specs.map((s) => [s.name, out[s.name]!]));
}

export interface DenseEvalOptions {
  /** Split to evaluate (default 'test'). */
  readonly split?: SplitName;
  /** Documents retrieved per query (default 100). */
  readonly depth?: number;
  /** Query tokens incl. specials (default 32, the paper's). */
  readonly maxLength?: number;
  /** 'cls' (default) or 'mean'. */
  readonly pooling?: Pooling;
  /** Unit-normalise query vectors (models trained with cosine similarity; see embedTexts). */
  readonly normalize?: boolean;
  /** Evaluate only the first N judged queries (by id), for quick runs. */
  readonly maxQueries?: number;
  readonly metrics?: readonly string[];
  readonly progress?: ProgressSink;
}

export interface DenseEngineEvalOptions extends DenseEvalOptions {
  /** Where the exact search runs (default 'tfjs'; see retrieval/search-ort.ts). */
  readonly search?: SearchEngine;
}

export interface DatasetEvaluation {
  readonly metrics: Record<string, number>;
  readonly run: Run;
  readonly numQueries: number;
  /** Seconds spent encoding queries and searching. */
  readonly seconds: number;
}

/**
 * The shared frame of every evaluation: the split's judged queries, a run from `retrieve`,
 * the dataset's metrics, and the time it took.
 */
function evaluateWith(
  dataset: RetrievalDataset,
  options: { split?: SplitName; maxQueries?: number; metrics?: readonly string[] },
  retrieve: (queries: Queries) => Run,
): DatasetEvaluation {
  const started = performance.now();
  const split = evaluationSplit(dataset, options.split ?? 'test');
  const queries = judgedQueries(split, options.maxQueries);
  const run = retrieve(queries);
  const metrics = scoreRun(
    dataset,
    queries,
    split.qrels,
    run,
    options.metrics ?? datasetMetrics(dataset),
  );
  return {
    metrics,
    run,
    numQueries: Object.keys(queries).length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Encodes the split's queries with `queryEncoder` and searches `index` exactly. */
export function evaluateDense(
  queryEncoder: Encoder,
  tokenizer: WordPieceTokenizer,
  index: DenseIndex,
  dataset: RetrievalDataset,
  options: DenseEvalOptions = {},
): DatasetEvaluation {
  if (queryEncoder.config.hiddenSize !== index.dim) {
    throw new Error(
      `evaluateDense: query encoder has hidden size ${queryEncoder.config.hiddenSize}, the index ${index.dim}`,
    );
  }
  return evaluateWith(dataset, options, (queries) => {
    const ids = Object.keys(queries);
    const vectors = embedTexts(
      queryEncoder,
      tokenizer,
      ids.map((id) => queries[id]!.text),
      {
        maxLength: Math.min(options.maxLength ?? 32, queryEncoder.config.maxPositionEmbeddings),
        pooling: options.pooling ?? 'cls',
        normalize: options.normalize ?? false,
        progress: options.progress ?? silentProgress,
        label: 'encode queries',
      },
    );
    return denseRun(vectors, ids, index, options.depth);
  });
}

/** Exact top-`depth` search of query vectors [ids.length · dim] over `index`, as a run. */
function denseRun(
  vectors: Float32Array,
  ids: readonly string[],
  index: DenseIndex,
  depth = DEFAULT_DEPTH,
): Run {
  return topKToRun(searchTopK(vectors, index.vectors, index.dim, depth), [...ids], index.ids);
}

/** What evaluateDenseOn needs from an inference engine (serve/engine.ts's EncoderEngine). */
export interface QueryEngine {
  readonly hidden: number;
  readonly maxPositions: number;
  readonly pooling: Pooling;
  embedTexts(
    tokenizer: WordPieceTokenizer,
    texts: readonly string[],
    options?: { maxLength?: number; normalize?: boolean; progress?: ProgressSink; label?: string },
  ): Promise<Float32Array>;
}

/**
 * evaluateDense with the queries encoded by `engine` (ONNX Runtime or tfjs, see
 * serve/createEncoderEngine) and searched on `options.search`: the same queries, exact
 * search and metrics; `seconds` includes the encoding and the search. The engine's pooling
 * is used (options.pooling must match it, or be absent).
 */
export async function evaluateDenseOn(
  engine: QueryEngine,
  tokenizer: WordPieceTokenizer,
  index: DenseIndex,
  dataset: RetrievalDataset,
  options: DenseEngineEvalOptions = {},
): Promise<DatasetEvaluation> {
  if (engine.hidden !== index.dim) {
    throw new Error(
      `evaluateDenseOn: query engine has hidden size ${engine.hidden}, the index ${index.dim}`,
    );
  }
  if (options.pooling !== undefined && options.pooling !== engine.pooling) {
    throw new Error(
      `evaluateDenseOn: the engine pools "${engine.pooling}", options.pooling is "${options.pooling}"`,
    );
  }
  const started = performance.now();
  const queries = judgedQueries(
    evaluationSplit(dataset, options.split ?? 'test'),
    options.maxQueries,
  );
  const ids = Object.keys(queries);
  const vectors = await engine.embedTexts(
    tokenizer,
    ids.map((id) => queries[id]!.text),
    {
      maxLength: Math.min(options.maxLength ?? 32, engine.maxPositions),
      normalize: options.normalize ?? false,
      progress: options.progress ?? silentProgress,
      label: 'encode queries',
    },
  );
  const found = await searchTopKWith(
    options.search ?? 'tfjs',
    vectors,
    index.vectors,
    index.dim,
    options.depth ?? DEFAULT_DEPTH,
  );
  const searchSeconds = (performance.now() - started) / 1000;
  const result = evaluateWith(dataset, options, () => topKToRun(found, ids, index.ids));
  return { ...result, seconds: result.seconds + searchSeconds };
}

export interface Bm25EvalOptions {
  readonly split?: SplitName;
  readonly depth?: number;
  readonly maxQueries?: number;
  readonly metrics?: readonly string[];
  readonly progress?: ProgressSink;
}

/** The BM25 baseline on the same split and metrics as evaluateDense. */
export function evaluateBm25(
  bm25: Bm25Index,
  dataset: RetrievalDataset,
  options: Bm25EvalOptions = {},
): DatasetEvaluation {
  return evaluateWith(dataset, options, (queries) =>
    bm25.searchAll(queries, options.depth ?? DEFAULT_DEPTH, options.progress ?? silentProgress),
  );
}
