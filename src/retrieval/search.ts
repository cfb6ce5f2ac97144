/**
 * Exact top-k search by inner product (or cosine) over float32 matrices, as FAISS
 * `IndexFlatIP` does, on the active tfjs backend (call `initBackend` first).
 *
 * Memory stays bounded: queries go in batches of `queryBatch` and documents in chunks of
 * `docChunk`; each step multiplies one document chunk by one query batch,
 *   scores = D_chunk · Q_batchᵀ        // [docChunk, dim] · [dim, queryBatch] → [docChunk, queryBatch]
 * (a plain matMul, which stays on XNNPACK's fast path on wasm), reads the scores back and
 * merges them into one bounded heap per query (topk.ts). Peak extra memory is about
 * 4·(docChunk·dim + docChunk·queryBatch + queryBatch·dim) bytes.
 *
 * Ties: among equal scores the LOWER document index ranks first, so results do not depend
 * on chunk sizes. Scores are float32 products from the backend's matMul; two backends can
 * differ in the last bits, and so in the order of near-ties.
 *
 * It does not build, load or encode indexes (see index-store.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { emptyRecord } from '../data/records.js';
import type { Run } from '../data/types.js';
import { matMul } from '../backend/ops.js';
import { silentProgress, type ProgressSink } from '../util/progress.js';
import { normalizeRows } from '../util/vectors.js';
import { TopK } from './topk.js';

export type SimilarityMetric = 'ip' | 'cosine';

export interface SearchOptions {
  /** 'ip' (inner product, default; DPR/Tevatron) or 'cosine' (rows L2-normalised first; zero rows stay zero). */
  readonly metric?: SimilarityMetric;
  /** Documents per matMul (default 8192: a 25 MB chunk at dim 768). */
  readonly docChunk?: number;
  /** Queries per matMul (default 512). */
  readonly queryBatch?: number;
  /** Reports progress over document chunks × query batches (default silent). */
  readonly progress?: ProgressSink;
}

export const DEFAULT_SEARCH_OPTIONS = Object.freeze({
  metric: 'ip' as SimilarityMetric,
  docChunk: 8192,
  queryBatch: 512,
});

export interface TopKResult {
  /** Document indices, row-major [numQueries, k], best first. */
  readonly indices: Int32Array;
  /** Their scores, [numQueries, k]. */
  readonly scores: Float32Array;
  readonly numQueries: number;
  /** Results per query: the requested k, or the number of documents if smaller. */
  readonly k: number;
}

function checkMatrix(name: string, data: Float32Array, dim: number): number {
  if (data.length % dim !== 0) {
    throw new Error(`searchTopK: ${name} has ${data.length} values, not a multiple of dim ${dim}`);
  }
  return data.length / dim;
}

/** Rows [from, to) of a row-major matrix: a view, or an L2-normalised copy when `normalize`. */
export function rows(
  data: Float32Array,
  dim: number,
  from: number,
  to: number,
  normalize: boolean,
): Float32Array {
  const view = data.subarray(from * dim, to * dim);
  return normalize ? normalizeRows(view.slice(), dim) : view;
}

/** Queries, documents and results per query of a search, or an error naming the bad argument. */
export function searchShape(
  queryVecs: Float32Array,
  docVecs: Float32Array,
  dim: number,
  k: number,
  metric: SimilarityMetric,
): { nq: number; nd: number; kk: number } {
  if (!Number.isInteger(dim) || dim < 1)
    throw new Error(`searchTopK: dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(k) || k < 1)
    throw new Error(`searchTopK: k must be a positive integer, got ${k}`);
  if (metric !== 'ip' && metric !== 'cosine')
    throw new Error(`searchTopK: metric "${String(metric)}"; allowed: ip, cosine`);
  const nq = checkMatrix('queryVecs', queryVecs, dim);
  const nd = checkMatrix('docVecs', docVecs, dim);
  return { nq, nd, kk: Math.min(k, nd) };
}

/**
 * Exact top-`k` documents for each query. `queryVecs` is [numQueries, dim] and `docVecs`
 * [numDocs, dim], both row-major float32. Returns indices into the document rows and
 * scores, best first (ties: lower document index first).
 */
export function searchTopK(
  queryVecs: Float32Array,
  docVecs: Float32Array,
  dim: number,
  k: number,
  options: SearchOptions = {},
): TopKResult {
  const { metric, docChunk, queryBatch } = { ...DEFAULT_SEARCH_OPTIONS, ...options };
  const { nq, nd, kk } = searchShape(queryVecs, docVecs, dim, k, metric);
  const progress = options.progress ?? silentProgress;
  const indices = new Int32Array(nq * kk).fill(-1);
  const scores = new Float32Array(nq * kk).fill(-Infinity);
  if (kk === 0 || nq === 0) return { indices, scores, numQueries: nq, k: kk };
  const normalize = metric === 'cosine';
  const heaps = Array.from({ length: Math.min(queryBatch, nq) }, () => new TopK(kk));
  const thresholds = new Float64Array(heaps.length);
  const steps = Math.ceil(nq / queryBatch) * Math.ceil(nd / docChunk);
  let step = 0;

  for (let q0 = 0; q0 < nq; q0 += queryBatch) {
    const qb = Math.min(queryBatch, nq - q0);
    for (let j = 0; j < qb; j++) heaps[j]!.clear();
    thresholds.fill(-Infinity);
    const queryT = tf.tidy(() =>
      tf.transpose(tf.tensor2d(rows(queryVecs, dim, q0, q0 + qb, normalize), [qb, dim])),
    ); // [dim, qb]
    try {
      for (let d0 = 0; d0 < nd; d0 += docChunk) {
        const c = Math.min(docChunk, nd - d0);
        const block = tf.tidy(() => {
          const docs = tf.tensor2d(rows(docVecs, dim, d0, d0 + c, normalize), [c, dim]); // [c, dim]
          return matMul(docs, queryT); // [c, qb]
        });
        const s = block.dataSync() as Float32Array;
        block.dispose();
        for (let i = 0; i < c; i++) {
          const row = i * qb;
          for (let j = 0; j < qb; j++) {
            const v = s[row + j]!;
            // Later documents lose ties, so only a strictly higher score can enter a full heap.
            if (v > thresholds[j]! || heaps[j]!.size < kk) {
              heaps[j]!.push(d0 + i, v);
              thresholds[j] = heaps[j]!.threshold;
            }
          }
        }
        progress({ label: 'search', done: ++step, total: steps });
      }
    } finally {
      queryT.dispose();
    }
    for (let j = 0; j < qb; j++) {
      const best = heaps[j]!.sorted();
      indices.set(best.indices, (q0 + j) * kk);
      scores.set(best.scores, (q0 + j) * kk);
    }
  }
  return { indices, scores, numQueries: nq, k: kk };
}

/**
 * A Run from search results: query `queryIds[i]` → `docIds[index]` → score, for the valid
 * (index ≥ 0) results of row i. Scores are widened from float32 to double exactly.
 */
export function topKToRun(
  result: TopKResult,
  queryIds: readonly string[],
  docIds: readonly string[],
): Run {
  if (queryIds.length !== result.numQueries) {
    throw new Error(`topKToRun: ${queryIds.length} query ids for ${result.numQueries} result rows`);
  }
  // No prototype: a query or document id such as "__proto__" is an ordinary key.
  const run = emptyRecord<Record<string, number>>();
  queryIds.forEach((qid, i) => {
    const docs = emptyRecord<number>();
    for (let r = 0; r < result.k; r++) {
      const d = result.indices[i * result.k + r]!;
      if (d < 0) continue;
      const id = docIds[d];
      if (id === undefined)
        throw new Error(`topKToRun: document index ${d} has no id (${docIds.length} ids)`);
      docs[id] = result.scores[i * result.k + r]!;
    }
    run[qid] = docs;
  });
  return run;
}
