/**
 * Query-encoder latency of a grid, per depth: latency depends on the architecture, not the
 * weights, so each depth is measured once on a fresh encoder of the grid's shape, on up to
 * 64 judged test queries, and shared by every row of that depth.
 */
import type { RetrievalDataset } from '../data/types.js';
import { evaluationSplit, judgedQueries, queryEncoderLatency } from '../eval/index.js';
import { createEncoder, disposeEncoder, type BertConfig, type Encoder } from '../model/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import type { GridOptions } from './options.js';

/** Median query-encoder latency (ms) at batch 1 and 32, and analytic GFLOPs per query. */
export interface Latency {
  readonly batch1: number;
  readonly batch32: number;
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

/** Latency per depth, measured once; `warm` warms up on every depth, then measures each. */
export function latencyMeter(
  config: BertConfig,
  options: GridOptions,
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  maxLength: number,
) {
  const latencies = new Map<number, Latency>();
  const probe = (depth: number): Encoder =>
    createEncoder({ ...config, numHiddenLayers: depth }, options.seed);
  const timed = async (encoder: Encoder): Promise<Latency> => {
    const measured = await queryEncoderLatency(encoder, tokenizer, texts, {
      maxLength,
      runs: options.latencyRuns,
    });
    return {
      batch1: round(measured.byBatch[1]!.medianMs, 4),
      batch32: round(measured.byBatch[32]!.medianMs, 4),
      gflops: round(measured.gflopsPerQuery, 6),
    };
  };
  const measure = async (depth: number): Promise<Latency> => {
    const cached = latencies.get(depth);
    if (cached) return cached; // same architecture, same cost
    const encoder = probe(depth);
    try {
      latencies.set(depth, await timed(encoder));
    } finally {
      disposeEncoder(encoder);
    }
    return latencies.get(depth)!;
  };
  // The first calls of a fresh backend (and of fresh weights) are several times slower: a
  // first pass over every depth's encoder only warms up, a second pass over the same
  // encoders is measured.
  const warm = async (wanted: readonly number[]) => {
    const depths = [...new Set(wanted)].filter((d) => d > 0 && !latencies.has(d));
    const probes = depths.map(probe);
    try {
      for (const encoder of probes) {
        await queryEncoderLatency(encoder, tokenizer, texts, { maxLength, runs: 3 });
      }
      for (const [i, encoder] of probes.entries()) latencies.set(depths[i]!, await timed(encoder));
    } finally {
      for (const encoder of probes) disposeEncoder(encoder);
    }
  };
  return { measure, warm };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
