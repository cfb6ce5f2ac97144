/**
 * Options of compareRuns and their defaults, in one place. The defaults follow the issue:
 * the first run is the baseline, paired t-test, Holm's correction over the systems compared
 * with the baseline (per metric), alpha 0.05.
 */
import type { CorrectionName } from './correction.js';
import { isOneOf, nameList, unknownName } from '../../util/names.js';

export const TESTS = nameList('paired-t', 'wilcoxon', 'randomization');
export type TestName = (typeof TESTS)[number];

export interface CompareOptions {
  /** The run every other is compared with (default: the first run). */
  readonly baseline?: string;
  /** Metric names as in eval/metric-names.ts (default DEFAULT_COMPARE.metrics). */
  readonly metrics?: readonly string[];
  /** Significance test (default 'paired-t'). */
  readonly test?: TestName;
  /** Correction over the systems compared with the baseline, per metric (default 'holm'). */
  readonly correction?: CorrectionName;
  /** Significance level (default 0.05): significant when the adjusted p ≤ alpha. */
  readonly alpha?: number;
  /** Sign flips of the randomization test (default 10,000). */
  readonly permutations?: number;
  /** Resamples of the bootstrap interval used with wilcoxon and randomization (default 2,000). */
  readonly bootstrapSamples?: number;
  /** Seed of the randomization test and the bootstrap (default 0). */
  readonly seed?: number;
}

export const DEFAULT_COMPARE = Object.freeze({
  metrics: Object.freeze(['ndcg@10', 'mrr@10', 'recall@100']) as readonly string[],
  test: 'paired-t' as TestName,
  correction: 'holm' as CorrectionName,
  alpha: 0.05,
  permutations: 10_000,
  bootstrapSamples: 2_000,
  seed: 0,
});

export function parseTest(name: string): TestName {
  const n = name.trim().toLowerCase();
  if (!isOneOf(TESTS, n)) throw unknownName('test', name, TESTS);
  return n;
}

export function checkAlpha(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${alpha}`);
  return alpha;
}
