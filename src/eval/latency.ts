/**
 * Wall-clock latency of a callable: warm-up calls, then timed calls, summarised as
 * median / p90 / mean / min / max. Generic on purpose: the query-encoder benchmarks pass a
 * closure that encodes one batch (and reads its result back, so asynchronous backends
 * finish the work inside the timed call).
 *
 * It does not count FLOPs or pick batch sizes; callers do.
 */
import { performance } from 'node:perf_hooks';

export interface LatencyOptions {
  /** Untimed calls first, so JIT, kernel selection and caches settle (default 5). */
  readonly warmup?: number;
  /** Timed calls (default 30). */
  readonly runs?: number;
}

export const DEFAULT_LATENCY_OPTIONS: Readonly<Required<LatencyOptions>> = Object.freeze({
  warmup: 5,
  runs: 30,
});

export interface LatencyStats {
  readonly medianMs: number;
  /** 90th percentile, linearly interpolated between order statistics (numpy's default). */
  readonly p90Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
  /** Every timed call, in call order. */
  readonly samplesMs: readonly number[];
}

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted`, linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile: no samples');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Summarises samples in milliseconds. */
export function summarizeLatency(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    medianMs: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    meanMs: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    runs: sorted.length,
    samplesMs: [...samplesMs],
  };
}

/** Times `run` after `warmup` untimed calls; each call is awaited before the next starts. */
export async function measureLatency(
  run: () => void | Promise<void>,
  options: LatencyOptions = {},
): Promise<LatencyStats> {
  const { warmup, runs } = { ...DEFAULT_LATENCY_OPTIONS, ...options };
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new Error(`measureLatency: warmup must be an integer ≥ 0, got ${warmup}`);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`measureLatency: runs must be an integer ≥ 1, got ${runs}`);
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return summarizeLatency(samples);
}
