/**
 * Exact-search throughput over a float32 matrix for `kalelab bench` (DESIGN.md's JSON shape),
 * with analytic GFLOP/s, and the BERT-base shape the benchmarks share. Random vectors: speed
 * does not depend on their values.
 * Query-encoder latency is in query-encoder.ts, training throughput in training.ts; peers
 * (PyTorch, numpy) are measured by bench/*.py when a Python with torch is present.
 */
import { BERT_BASE, type BertConfig } from '../model/index.js';
import { searchTopKWith, type SearchEngine } from '../retrieval/search-ort.js';
import { Random } from '../util/random.js';

/** The shape the paper prunes: BERT-base (model/config's BERT_BASE). */
export const BERT_BASE_SHAPE: BertConfig = BERT_BASE;

export interface SearchBench {
  /** Where the search ran: the active tfjs backend, or ONNX Runtime (retrieval/search-ort.ts). */
  readonly engine: SearchEngine;
  readonly docs: number;
  readonly dim: number;
  readonly queries: number;
  readonly k: number;
  readonly seconds: number;
  readonly queriesPerSecond: number;
  /** 2·docs·dim FLOPs per query over the whole search (matrix product and top-k). */
  readonly gflops: number;
}

/** `rows` random vectors of `dim` values in [−0.5, 0.5), row-major: search speed does not depend on them. */
export function randomVectors(rng: Random, rows: number, dim: number): Float32Array {
  return new Float32Array(rows * dim).map(() => rng.next() - 0.5);
}

/**
 * Exact inner-product top-k of `queries` random queries over `docs` random vectors, on each
 * of `engines` in turn (default: tfjs and ONNX Runtime), the same vectors for each.
 */
export async function benchSearch(
  options: {
    docs?: number;
    dim?: number;
    queries?: number;
    k?: number;
    engines?: readonly SearchEngine[];
  } = {},
): Promise<SearchBench[]> {
  const docs = options.docs ?? 100_000;
  const dim = options.dim ?? 768;
  const queries = options.queries ?? 256;
  const k = options.k ?? 100;
  const rng = new Random(11);
  const docVecs = randomVectors(rng, docs, dim);
  const queryVecs = randomVectors(rng, queries, dim);
  const rows: SearchBench[] = [];
  for (const engine of options.engines ?? (['tfjs', 'onnxruntime'] as const)) {
    const search = (q: Float32Array, d: Float32Array) => searchTopKWith(engine, q, d, dim, k);
    await search(queryVecs.subarray(0, dim), docVecs.subarray(0, 1000 * dim)); // warm-up
    const started = performance.now();
    await search(queryVecs, docVecs);
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      engine,
      docs,
      dim,
      queries,
      k,
      seconds: round(seconds),
      queriesPerSecond: round(queries / seconds),
      gflops: round((2 * docs * dim * queries) / 1e9 / seconds),
    });
  }
  return rows;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
