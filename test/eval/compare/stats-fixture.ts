/** The scipy/statsmodels oracle for comparing runs (copied from the shared oracle, Part 4). */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export interface OraclePair {
  name: string;
  n: number;
  a: number[];
  b: number[];
  delta: number;
  paired_t: { statistic: number; pvalue: number; df: number; ci95: [number, number] };
  wilcoxon: { statistic: number; pvalue: number; n_nonzero: number };
  wins: number;
  ties: number;
  losses: number;
  randomization_exact?: { pvalue: number; permutations: number };
}

type Run = Record<string, Record<string, number>>;

export interface StatsOracle {
  pairs: OraclePair[];
  multiple_testing: {
    pvalues: number[];
    bonferroni: { adjusted: number[]; 'reject_at_0.05': boolean[] };
    holm: { adjusted: number[]; 'reject_at_0.05': boolean[] };
    fdr_bh: { adjusted: number[]; 'reject_at_0.05': boolean[] };
  };
  tukey_hsd: {
    systems: Record<string, number[]>;
    alpha: number;
    pairs: { a: string; b: string; meandiff_b_minus_a: number; pvalue: number; reject: boolean }[];
  };
  fusion: { runs: { r1: Run; r2: Run }; rrf_k60: Run; combsum_minmax: Run };
}

export function loadStatsOracle(): StatsOracle {
  const path = new URL('../../fixtures/eval/stats.json', import.meta.url);
  return JSON.parse(readFileSync(path, 'utf8')) as StatsOracle;
}

/** The oracle README's tolerance for p-values: |got − want| ≤ 1e-9 + 1e-6·want. */
export function expectPValue(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 + 1e-6 * want);
}
