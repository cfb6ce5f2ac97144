import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../../src/eval/compare/compare-runs.js';
import {
  formatComparisonLatex,
  formatComparisonMarkdown,
  formatComparisonText,
} from '../../../src/eval/compare/format.js';

const comparison: Comparison = {
  queries: 3,
  test: 'paired-t',
  correction: 'holm',
  alpha: 0.05,
  baseline: 'bm25',
  metrics: ['ndcg@10'],
  rows: [
    {
      system: 'bm25',
      metric: 'ndcg@10',
      mean: 0.4,
      delta: 0,
      ci95: null,
      pValue: null,
      pAdjusted: null,
      significant: false,
      wins: 0,
      ties: 3,
      losses: 0,
    },
    {
      system: 'dense_1',
      metric: 'ndcg@10',
      mean: 0.45,
      delta: 0.05,
      ci95: [0.01, 0.09],
      pValue: 0.00001,
      pAdjusted: 0.00002,
      significant: true,
      wins: 2,
      ties: 1,
      losses: 0,
    },
    {
      system: 'dense_2',
      metric: 'ndcg@10',
      mean: 0.38,
      delta: -0.02,
      ci95: [-0.05, 0.01],
      pValue: 0.2,
      pAdjusted: 0.2,
      significant: false,
      wins: 1,
      ties: 0,
      losses: 2,
    },
  ],
  notes: ['run "dense_2" lacks 1 qrels query (scored 0)'],
};

describe('formatComparison*', () => {
  it('text: one aligned row per system, significance starred, notes below', () => {
    const text = formatComparisonText(comparison);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      '3 queries; paired t-test, holm correction per metric, alpha 0.05; baseline: bm25',
    );
    expect(lines.find((l) => l.startsWith('ndcg@10  bm25'))).toMatch(/0\.4000\s+baseline$/);
    expect(lines.find((l) => l.includes('dense_1'))).toMatch(
      /\+0\.0500\s+\[\+0\.0100, \+0\.0900\]\s+1\.0e-5\s+2\.0e-5\s+\*\s+2\/1\/0$/,
    );
    expect(lines.find((l) => l.includes('dense_2'))).toMatch(
      /−0\.0200 .* 0\.2000\s+0\.2000\s+1\/0\/2$/,
    );
    expect(text).toContain('note: run "dense_2" lacks 1 qrels query (scored 0)');
  });

  it('markdown: a pipe table with the same cells', () => {
    const md = formatComparisonMarkdown(comparison);
    expect(md).toContain('| metric | system | mean | delta | 95% CI | p | p adj. | sig. | W/T/L |');
    expect(md).toContain(
      '| ndcg@10 | dense_1 | 0.4500 | +0.0500 | [+0.0100, +0.0900] | 1.0e-5 | 2.0e-5 | * | 2/1/0 |',
    );
  });

  it('latex: systems by metrics, daggers on significant means, escaped names', () => {
    const tex = formatComparisonLatex(comparison);
    expect(tex).toContain('System & ndcg@10 \\\\');
    expect(tex).toContain('bm25 (baseline) & 0.4000 \\\\');
    expect(tex).toContain('dense\\_1 & 0.4500$^\\dagger$ \\\\');
    expect(tex).toContain('dense\\_2 & 0.3800 \\\\');
  });
});
