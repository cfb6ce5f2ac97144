/**
 * Exact-search throughput over a float32 matrix for `kalelab bench` (DESIGN.md's JSON shape),
 * with analytic GFLOP/s, and the BERT-base shape the benchmarks share. Random vectors: speed
 * does not depend on their values.
 * Query-encoder latency is in query-encoder.ts, training throughput in training.ts; peers
 * (PyTorch, numpy) are measured by bench/*.py when a Python with torch is present.
 */
import { BERT_BASE, type BertConfig } from '../model/index.js';
import { searchTopK } from '../retrieval/search.js';
import { Random } from '../util/random.js';

/** The shape the paper prunes: BERT-base (model/config's BERT_BASE). */
export const BERT_BASE_SHAPE: BertConfig = BERT_BASE;

export interface SearchBench {
  readonly docs: number;
  readonly dim: number;
  readonly queries: number;
  readonly k: number;
  readonly seconds: number;
  readonly queriesPerSecond: number;
  /** 2·docs·dim FLOPs per query over the whole search (matrix product and top-k). */
  readonly gflops: number;
}

/** Exact inner-product top-k of `queries` random queries over `docs` random vectors. */
export function benchSearch(
  options: { docs?: number; dim?: number; queries?: number; k?: number } = {},
): SearchBench {
  const docs = options.docs ?? 100_000;
  const dim = options.dim ?? 768;
  const queries = options.queries ?? 256;
  const k = options.k ?? 100;
  const rng = new Random(11);
  const docVecs = new Float32Array(docs * dim).map(() => rng.next() - 0.5);
  const queryVecs = new Float32Array(queries * dim).map(() => rng.next() - 0.5);
  searchTopK(queryVecs.subarray(0, dim), docVecs.subarray(0, 1000 * dim), dim, k); // warm-up
  const started = performance.now();
  searchTopK(queryVecs, docVecs, dim, k);
  const seconds = (performance.now() - started) / 1000;
  return {
    docs,
    dim,
    queries,
    k,
    seconds: round(seconds),
    queriesPerSecond: round(queries / seconds),
    gflops: round((2 * docs * dim * queries) / 1e9 / seconds),
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
