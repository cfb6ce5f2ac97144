/**
 * The benchmarks behind `kalelab bench` (DESIGN.md's JSON shape): query-encoder latency at
 * BERT-base width for the full depth and pruned depths, and exact-search throughput over a
 * float32 matrix, on the active backend, with analytic GFLOP/s beside each time. Random
 * weights and vectors: speed does not depend on their values.
 *
 * Training throughput is measured by bench-training.ts; peers (PyTorch, numpy)
 * are measured by bench/peers.py when a Python with torch is present.
 */
import * as tf from '@tensorflow/tfjs';
import {
  BERT_BASE,
  createEncoder,
  disposeEncoder,
  embed,
  encoderFlops,
  pruneLayers,
  layerMap,
  type BertConfig,
} from '../model/index.js';
import { searchTopK } from '../retrieval/search.js';
import { Random } from '../util/random.js';
import { measureLatency } from './latency.js';

export interface QueryEncoderBench {
  readonly path: 'tfjs';
  readonly layers: number;
  readonly hidden: number;
  readonly batch: number;
  readonly seqLen: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Achieved GFLOP/s: analytic forward FLOPs / median time. */
  readonly gflops: number;
}

export interface QueryEncoderBenchOptions {
  /** Encoder shape at full depth (default BERT-base: 768 hidden, 12 layers, 12 heads). */
  readonly config?: BertConfig;
  /** Depths to time: the full one and pruned ones (default 12, 6, 3, 2, 1). */
  readonly depths?: readonly number[];
  readonly batchSizes?: readonly number[];
  readonly seqLen?: number;
  readonly runs?: number;
  readonly warmup?: number;
}

/** The shape the paper prunes: BERT-base (model/config's BERT_BASE). */
export const BERT_BASE_SHAPE: BertConfig = BERT_BASE;

/** Query-encoder forward latency per depth and batch size (random token ids, no padding). */
export async function benchQueryEncoder(
  options: QueryEncoderBenchOptions = {},
): Promise<QueryEncoderBench[]> {
  const config = options.config ?? BERT_BASE_SHAPE;
  const L = config.numHiddenLayers;
  const seqLen = options.seqLen ?? 32;
  const full = createEncoder(config, 7);
  const out: QueryEncoderBench[] = [];
  try {
    for (const depth of options.depths ?? [L, 6, 3, 2, 1].filter((d) => d <= L)) {
      const encoder = depth === L ? full : pruneLayers(full, layerMap(L, depth));
      try {
        for (const batch of options.batchSizes ?? [1]) {
          const ids = tf.randomUniform(
            [batch, seqLen],
            5,
            config.vocabSize,
            'int32',
            3,
          ) as tf.Tensor2D;
          const tokens = { inputIds: ids, attentionMask: tf.onesLike(ids) as tf.Tensor2D };
          const stats = await measureLatency(
            () => {
              const v = embed(encoder, tokens);
              v.dataSync();
              v.dispose();
            },
            { warmup: options.warmup ?? 3, runs: options.runs ?? 20 },
          );
          tf.dispose([tokens.inputIds, tokens.attentionMask]);
          const flops = encoderFlops(encoder.config, batch, seqLen);
          out.push({
            path: 'tfjs',
            layers: depth,
            hidden: config.hiddenSize,
            batch,
            seqLen,
            medianMs: round(stats.medianMs),
            p90Ms: round(stats.p90Ms),
            gflops: round(flops / 1e6 / stats.medianMs),
          });
        }
      } finally {
        if (encoder !== full) disposeEncoder(encoder);
      }
    }
  } finally {
    disposeEncoder(full);
  }
  return out;
}

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
