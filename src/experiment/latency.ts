/**
 * Query-encoder latency of a grid, per depth: latency depends on the architecture, not the
 * weights, so each depth is measured once on a fresh encoder of the grid's shape, on up to
 * 64 judged test queries, and shared by every row of that depth. The serving engine's
 * figures (ONNX Runtime fp32 where the grid runs on it) are the row's latency and speedup;
 * tfjs's batch-1 figure and ORT int8's are measured on the same probe beside them.
 */
import type { RetrievalDataset } from '../data/types.js';
import { evaluationSplit, judgedQueries, quantile, queryEncoderLatency } from '../eval/index.js';
import { createEncoder, disposeEncoder, type BertConfig, type Encoder } from '../model/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { createEncoderEngine, type EncoderEngine } from '../serve/index.js';
import type { GridOptions } from './options.js';

/**
 * Median query-encoder latency (ms) at batch 1 and 32 on the serving engine, and analytic
 * GFLOPs per query. With ONNX Runtime the tfjs figure and ORT int8's are kept beside it.
 */
export interface Latency {
  /** The serving engine measured: ONNX Runtime fp32, or tfjs where ORT is not in use. */
  readonly engine: 'onnxruntime' | 'tfjs';
  readonly batch1: number;
  readonly batch32: number;
  /** tfjs at batch 1 (equal to batch1 when the engine is tfjs). */
  readonly tfjsBatch1: number;
  /** ONNX Runtime int8 at batch 1; null on tfjs. */
  readonly int8Batch1: number | null;
  readonly gflops: number;
}

/** Up to 64 judged test queries: what latency is measured on. */
export function latencyTexts(dataset: RetrievalDataset, options: GridOptions): string[] {
  const queries = judgedQueries(
    evaluationSplit(dataset, 'test'),
    options.maxEvalQueries ?? undefined,
  );
  return Object.values(queries)
    .slice(0, 64)
    .map((q) => q.text);
}

/** One depth's probe: a fresh encoder, and on ONNX Runtime its fp32 and int8 engines. */
interface Probe {
  readonly encoder: Encoder;
  readonly fp32: EncoderEngine | null;
  readonly int8: EncoderEngine | null;
}

async function openProbe(encoder: Encoder, engine: 'onnxruntime' | 'tfjs'): Promise<Probe> {
  if (engine === 'tfjs') return { encoder, fp32: null, int8: null };
  const fp32 = await createEncoderEngine(encoder, { engine, pooling: 'cls' });
  const int8 = await createEncoderEngine(encoder, { engine, pooling: 'cls', precision: 'int8' });
  return { encoder, fp32, int8 };
}

async function closeProbe(probe: Probe): Promise<void> {
  await probe.fp32?.dispose();
  await probe.int8?.dispose();
  disposeEncoder(probe.encoder);
}

/**
 * Latency per depth on `engine` (resolved), measured once; `warm` warms up on every
 * depth, then measures each.
 */
export function latencyMeter(
  config: BertConfig,
  options: GridOptions,
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  maxLength: number,
  engine: 'onnxruntime' | 'tfjs' = 'tfjs',
) {
  const latencies = new Map<number, Latency>();
  const probe = (depth: number): Promise<Probe> =>
    openProbe(createEncoder({ ...config, numHiddenLayers: depth }, options.seed), engine);
  const time = (p: Probe, on: EncoderEngine | null, runs: number, batchSizes: number[]) =>
    queryEncoderLatency(p.encoder, tokenizer, texts, {
      maxLength,
      runs,
      batchSizes,
      ...(on ? { embedBatch: on.embedBatch } : {}),
    });
  const timed = async (p: Probe, runs = options.latencyRuns): Promise<Latency> => {
    const tfjs = await time(p, null, runs, p.fp32 ? [1] : [1, 32]);
    const serving = p.fp32 ? await time(p, p.fp32, runs, [1, 32]) : tfjs;
    const int8 = p.int8 ? await time(p, p.int8, runs, [1]) : null;
    return {
      engine,
      batch1: round(serving.byBatch[1]!.medianMs, 4),
      batch32: round(serving.byBatch[32]!.medianMs, 4),
      tfjsBatch1: round(tfjs.byBatch[1]!.medianMs, 4),
      int8Batch1: int8 ? round(int8.byBatch[1]!.medianMs, 4) : null,
      gflops: round(serving.gflopsPerQuery, 6),
    };
  };
  const measure = async (depth: number): Promise<Latency> => {
    const cached = latencies.get(depth);
    if (cached) return cached; // same architecture, same cost
    const p = await probe(depth);
    try {
      latencies.set(depth, await timed(p));
    } finally {
      await closeProbe(p);
    }
    return latencies.get(depth)!;
  };
  // The first calls of a fresh backend (and of fresh weights, and of a fresh ORT session)
  // are several times slower: a first pass over every depth's probes only warms up. The
  // measured runs then go round the depths in LATENCY_ROUNDS rounds, and each figure is the
  // median of its rounds' medians: load that comes and goes (a model training on the other
  // thread starts while these run) then falls on every depth alike instead of on whichever
  // was timed at that moment, which had made a 1-layer encoder time slower than a 2-layer one.
  const warm = async (wanted: readonly number[]) => {
    const depths = [...new Set(wanted)].filter((d) => d > 0 && !latencies.has(d));
    const probes: Probe[] = [];
    try {
      for (const d of depths) probes.push(await probe(d));
      for (const p of probes) {
        for (const on of p.fp32 ? [null, p.fp32, p.int8] : [null]) await time(p, on, 3, [1, 32]);
      }
      const runs = Math.max(1, Math.ceil(options.latencyRuns / LATENCY_ROUNDS));
      const rounds: Latency[][] = probes.map(() => []);
      for (let r = 0; r < LATENCY_ROUNDS; r++) {
        for (const [i, p] of probes.entries()) rounds[i]!.push(await timed(p, runs));
      }
      for (const [i, d] of depths.entries()) latencies.set(d, medianLatency(rounds[i]!));
    } finally {
      for (const p of probes) await closeProbe(p);
    }
  };
  return { measure, warm };
}

/** Rounds of measured runs that `warm` interleaves over the depths. */
export const LATENCY_ROUNDS = 5;

/** Field by field, the median of `rounds` (one depth's Latency per round). */
export function medianLatency(rounds: readonly Latency[]): Latency {
  const median = (pick: (l: Latency) => number): number => {
    const sorted = rounds.map(pick).sort((a, b) => a - b);
    return round(quantile(sorted, 0.5), 4);
  };
  const first = rounds[0]!;
  return {
    engine: first.engine,
    batch1: median((l) => l.batch1),
    batch32: median((l) => l.batch32),
    tfjsBatch1: median((l) => l.tfjsBatch1),
    int8Batch1: first.int8Batch1 === null ? null : median((l) => l.int8Batch1!),
    gflops: first.gflops,
  };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
