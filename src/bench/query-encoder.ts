/**
 * Query-encoder latency for `kalelab bench`: kalelab's encoder at BERT-base width, full depth
 * and pruned depths, at each batch size, on each engine path — 'tfjs' (the active tfjs
 * backend), 'onnxruntime' (the graph serve/ exports, fp32) and 'onnxruntime-int8' (its
 * dynamic int8 quantization) — with analytic GFLOP/s beside each time. `benchOnnxGraph`
 * times any .onnx file with the same inputs (the PyTorch-export peer).
 *
 * Random weights and token ids, no padding: speed does not depend on their values. It does
 * not run peers' Python (query-encoder-peers.ts does) and prints nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { measureLatency, type LatencyStats } from '../eval/latency.js';
import { BERT_BASE_SHAPE } from './search.js';
import {
  createEncoder,
  disposeEncoder,
  encoderFlops,
  layerMap,
  pruneLayers,
} from '../model/index.js';
import type { BertConfig, Encoder } from '../model/index.js';
import { createEncoderEngine, OrtEncoderSession, type EncoderEngine } from '../serve/index.js';
import type { EncodedBatch } from '../text/index.js';
import { nameList } from '../util/names.js';

export const QUERY_ENCODER_PATHS = nameList('tfjs', 'onnxruntime', 'onnxruntime-int8');
export type QueryEncoderPath = (typeof QUERY_ENCODER_PATHS)[number];

export interface QueryEncoderBench {
  readonly path: string;
  readonly layers: number;
  readonly hidden: number;
  readonly batch: number;
  readonly seqLen: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Achieved GFLOP/s: analytic forward FLOPs / median time. */
  readonly gflops: number;
  /** ONNX Runtime intra-op threads (null: its default); tfjs rows: null (the backend's). */
  readonly threads: number | null;
}

export interface QueryEncoderBenchOptions {
  /** Encoder shape at full depth (default BERT-base: 768 hidden, 12 layers, 12 heads). */
  readonly config?: BertConfig;
  /** Depths to time (default 12, 9, 6, 3, 2, 1: the paper's layer maps). */
  readonly depths?: readonly number[];
  /** Default [1, 32]. */
  readonly batchSizes?: readonly number[];
  /** Tokens per query, specials included (default 32, the paper's q_max_len). */
  readonly seqLen?: number;
  /** Engine paths (default all three; ONNX Runtime ones need onnxruntime-node). */
  readonly paths?: readonly QueryEncoderPath[];
  /** ONNX Runtime intra-op threads (default: its own choice). */
  readonly threads?: number;
  readonly runs?: number;
  readonly warmup?: number;
}

export const DEFAULT_QUERY_ENCODER_BENCH = Object.freeze({
  depths: Object.freeze([12, 9, 6, 3, 2, 1]),
  batchSizes: Object.freeze([1, 32]),
  seqLen: 32,
  runs: 20,
  warmup: 3,
});

/** A [batch, seqLen] batch of token ids 5…vocab−1 (no specials, no padding), fixed seed. */
export function randomBatch(
  config: BertConfig,
  batch: number,
  seqLen: number,
  seed = 3,
): EncodedBatch {
  const ids = tf.tidy(() => tf.randomUniform([batch * seqLen], 5, config.vocabSize, 'int32', seed));
  const inputIds = Int32Array.from(ids.dataSync());
  ids.dispose();
  return {
    inputIds,
    attentionMask: new Int32Array(batch * seqLen).fill(1),
    tokenTypeIds: new Int32Array(batch * seqLen),
    batchSize: batch,
    seqLen,
    lengths: new Array<number>(batch).fill(seqLen),
  };
}

function row(
  path: string,
  config: BertConfig,
  batch: number,
  seqLen: number,
  stats: LatencyStats,
  threads: number | null,
): QueryEncoderBench {
  const flops = encoderFlops(config, batch, seqLen);
  return {
    path,
    layers: config.numHiddenLayers,
    hidden: config.hiddenSize,
    batch,
    seqLen,
    medianMs: round(stats.medianMs),
    p90Ms: round(stats.p90Ms),
    gflops: round(flops / 1e6 / stats.medianMs),
    threads,
  };
}

async function timeEngine(
  engine: Pick<EncoderEngine, 'embedBatch'>,
  config: BertConfig,
  options: QueryEncoderBenchOptions,
): Promise<Array<{ batch: number; stats: LatencyStats }>> {
  const d = DEFAULT_QUERY_ENCODER_BENCH;
  const seqLen = options.seqLen ?? d.seqLen;
  const out: Array<{ batch: number; stats: LatencyStats }> = [];
  for (const batch of options.batchSizes ?? d.batchSizes) {
    const input = randomBatch(config, batch, seqLen);
    const stats = await measureLatency(
      async () => {
        await engine.embedBatch(input);
      },
      { warmup: options.warmup ?? d.warmup, runs: options.runs ?? d.runs },
    );
    out.push({ batch, stats });
  }
  return out;
}

async function benchDepth(
  encoder: Encoder,
  options: QueryEncoderBenchOptions,
): Promise<QueryEncoderBench[]> {
  const seqLen = options.seqLen ?? DEFAULT_QUERY_ENCODER_BENCH.seqLen;
  const rows: QueryEncoderBench[] = [];
  for (const path of options.paths ?? QUERY_ENCODER_PATHS) {
    const onOrt = path !== 'tfjs';
    const engine = await createEncoderEngine(encoder, {
      engine: onOrt ? 'onnxruntime' : 'tfjs',
      precision: path === 'onnxruntime-int8' ? 'int8' : 'fp32',
      ...(onOrt && options.threads !== undefined ? { threads: options.threads } : {}),
    });
    try {
      const threads = onOrt ? (options.threads ?? null) : null;
      for (const { batch, stats } of await timeEngine(engine, encoder.config, options)) {
        rows.push(row(path, encoder.config, batch, seqLen, stats, threads));
      }
    } finally {
      await engine.dispose();
    }
  }
  return rows;
}

/** Latency per engine path, depth and batch size (pruned depths keep first and last layers). */
export async function benchQueryEncoder(
  options: QueryEncoderBenchOptions = {},
): Promise<QueryEncoderBench[]> {
  const config = options.config ?? BERT_BASE_SHAPE;
  const L = config.numHiddenLayers;
  const full = createEncoder(config, 7);
  const out: QueryEncoderBench[] = [];
  try {
    for (const depth of options.depths ??
      DEFAULT_QUERY_ENCODER_BENCH.depths.filter((k) => k <= L)) {
      const encoder = depth === L ? full : pruneLayers(full, layerMap(L, depth));
      try {
        out.push(...(await benchDepth(encoder, options)));
      } finally {
        if (encoder !== full) disposeEncoder(encoder);
      }
    }
  } finally {
    disposeEncoder(full);
  }
  return out;
}

/**
 * The same timing for an .onnx file with inputs input_ids / attention_mask / token_type_ids
 * (e.g. PyTorch's export of an equivalent module); `config` gives its shape for the FLOPs.
 */
export async function benchOnnxGraph(
  file: string,
  path: string,
  config: BertConfig,
  options: QueryEncoderBenchOptions = {},
): Promise<QueryEncoderBench[]> {
  const session = await OrtEncoderSession.create(
    file,
    options.threads !== undefined ? { threads: options.threads } : {},
  );
  try {
    const engine = {
      embedBatch: async (b: EncodedBatch) => (await session.run(b)).sentenceEmbedding,
    };
    const seqLen = options.seqLen ?? DEFAULT_QUERY_ENCODER_BENCH.seqLen;
    return (await timeEngine(engine, config, options)).map(({ batch, stats }) =>
      row(path, config, batch, seqLen, stats, options.threads ?? null),
    );
  } finally {
    await session.dispose();
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
