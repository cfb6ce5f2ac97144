/**
 * The four plain shapes every kalelab signature uses (after BEIR): corpus, queries, qrels
 * and runs, plus the dataset that bundles them. Defined once, here.
 *
 * Plain objects keyed by id keep them JSON-serialisable and easy to inspect in a notebook.
 * They are read-only in spirit: loaders return fresh objects and nothing downstream
 * mutates them (the `Readonly` types make the compiler say so).
 */

/** A passage or document of the corpus. */
export interface Doc {
  readonly title: string;
  readonly text: string;
}

/** doc id → document. */
export type Corpus = Readonly<Record<string, Doc>>;

/** A query; `answers` carries DPR's answer strings for top-k answer accuracy. */
export interface Query {
  readonly text: string;
  readonly answers?: readonly string[];
}

/** query id → query. */
export type Queries = Readonly<Record<string, Query>>;

/** query id → doc id → graded relevance (integer; ≥ 1 means relevant, as trec_eval). */
export type Qrels = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** query id → doc id → retrieval score (higher is better). A TREC run without ranks. */
export type Run = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** query id → doc ids of hard negatives for training (DPR hard_negative_ctxs, sibling senses). */
export type HardNegatives = Readonly<Record<string, readonly string[]>>;

export type SplitName = 'train' | 'dev' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = Object.freeze(['train', 'dev', 'test']);

export interface Split {
  readonly queries: Queries;
  readonly qrels: Qrels;
  /** Present where the source gives hard negatives (usually train only). */
  readonly hardNegatives?: HardNegatives;
}

/** A problem a loader saw and counted instead of failing (see LoadReport). */
export interface LoadIssue {
  readonly file: string;
  /** 1-based line number, or 0 when the issue is about the file as a whole. */
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

/** What a loader read and what it skipped; a bad line is either an error or counted here. */
export interface LoadReport {
  readonly files: readonly string[];
  readonly linesRead: number;
  readonly issues: readonly LoadIssue[];
  /** Counts of skipped items by kind, e.g. { "qrels:unknown-doc": 3 }. */
  readonly skipped: Readonly<Record<string, number>>;
}

export interface RetrievalDataset {
  /** Short name used in results rows, e.g. "wordnet-senses", "scifact". */
  readonly name: string;
  readonly corpus: Corpus;
  /** Splits present in the source; at least one. */
  readonly splits: Readonly<Partial<Record<SplitName, Split>>>;
  /** Main metric for this dataset (e.g. "mrr@10", "ndcg@10", "accuracy@20"). */
  readonly mainMetric: string;
  readonly report?: LoadReport;
}

/** How a row's query encoder was made (see DESIGN.md, results.json). */
export type ResultMethod =
  | 'bm25'
  | 'full'
  | 'pruned'
  | 'kale-kl'
  | 'kale-mse'
  | 'kale-cosine'
  | 'kale-kl+mse'
  | 'asym'
  | 'asym+kale'
  | 'half-depth';

/** One model evaluated on one dataset: a row of results.json / results.csv. */
export interface ResultRow {
  readonly dataset: string;
  readonly method: ResultMethod;
  /** Query-encoder layers (0 for BM25). */
  readonly queryLayers: number;
  /** Passage-encoder layers (0 for BM25). */
  readonly passageLayers: number;
  /** Which layers of the original query encoder were kept, where pruned. */
  readonly keptLayers?: readonly number[];
  readonly metrics: Readonly<Record<string, number>>;
  /**
   * Query-encoder latency (median ms) on the serving engine (`engine`: ONNX Runtime fp32
   * where the grid ran on it), at batch 1 and 32; beside it tfjs's batch-1 figure and ONNX
   * Runtime int8's (absent in rows written before they were measured; int8 null on tfjs).
   */
  readonly latencyMs: {
    readonly batch1: number;
    readonly batch32: number;
    readonly engine?: 'onnxruntime' | 'tfjs';
    readonly tfjsBatch1?: number;
    readonly int8Batch1?: number | null;
  } | null;
  /** Full model's query-encoder latency / this one's (batch 1, serving engine); null for BM25. */
  readonly speedup: number | null;
  /**
   * Full model's fp32 latency / this encoder's ONNX Runtime int8 latency (batch 1); null for
   * BM25 and on tfjs (absent in older rows).
   */
  readonly speedupInt8?: number | null;
  /** (aligned − pruned) / (full − pruned) on the main metric; null where it does not apply. */
  readonly recovery: number | null;
  /** Optimiser steps spent on this row's own training or alignment. */
  readonly trainSteps: number;
  /** Seconds of training or alignment compute for this row (not evaluation). */
  readonly computeSeconds: number;
  /** GFLOPs (matrix products) of that training or alignment; 0 for bm25 and pruned. */
  readonly computeGflops?: number;
  /** Analytic query-encoder GFLOPs per query at the reference length (32 tokens). */
  readonly queryGflops?: number;
  /**
   * This row against the row it is judged by, on the main metric (null for bm25 and full):
   * pruned, asym, half-depth against full; kale-* against pruned at the same depth;
   * asym+kale against the asymmetric model it was pruned from.
   */
  readonly comparison: RowComparison | null;
}

/** A results row against another on one metric: a seeded paired randomization test. */
export interface RowComparison {
  readonly against: ResultMethod;
  readonly againstQueryLayers: number;
  /** Canonical metric name (the dataset's main metric). */
  readonly metric: string;
  /** mean(this row) − mean(the other), over the same queries. */
  readonly delta: number;
  /** Two-sided. */
  readonly pValue: number;
  readonly test: 'randomization';
  /** Queries paired. */
  readonly queries: number;
}

export interface ResultsFile {
  readonly backend: string;
  readonly createdAt: string;
  readonly machine: Readonly<Record<string, unknown>>;
  /** How the rows were made: grid preset, its options as run, the init checkpoint. */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly rows: readonly ResultRow[];
}
