import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { compare, parseRunSpec } from '../../../src/cli/commands/compare.js';
import { formatRun } from '../../../src/eval/trec.js';
import { useTempDir } from '../../temp-dir.js';
import { QRELS, RUN } from '../fixtures.js';
import { COMPARISON_COLUMNS, loadRuns } from './runs-fixture.js';

const dir = useTempDir('compare-command');
let demoted: string;
let fusedJson: string;

beforeAll(async () => {
  const { runs } = await loadRuns();
  demoted = join(dir(), 'demoted.txt.gz');
  fusedJson = join(dir(), 'fused.json');
  await writeFile(demoted, gzipSync(formatRun(runs['demoted']!)));
  await writeFile(fusedJson, JSON.stringify(runs['fused']));
});

describe('kalelab compare', () => {
  it('--json prints the contract shape, the first run as baseline, the notes on stderr', async () => {
    const { stdout, stderr } = await compare({
      qrels: QRELS,
      run: [`oracle=${RUN}`, demoted, fusedJson],
      json: true,
      metrics: 'ndcg@10,recall@100',
    });
    const out = JSON.parse(stdout) as Record<string, unknown> & { rows: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual([
      'queries',
      'test',
      'correction',
      'alpha',
      'baseline',
      'metrics',
      'rows',
    ]);
    expect(out).toMatchObject({
      queries: 39,
      test: 'paired-t',
      correction: 'holm',
      alpha: 0.05,
      baseline: 'oracle',
      metrics: ['ndcg@10', 'recall@100'],
    });
    expect(out.rows).toHaveLength(6);
    expect(Object.keys(out.rows[1]!)).toEqual(COMPARISON_COLUMNS);
    expect(out.rows.map((r) => r['system'])).toEqual([
      'oracle',
      'demoted',
      'fused',
      'oracle',
      'demoted',
      'fused',
    ]);
    expect(out.rows[0]).toMatchObject({ delta: 0, pValue: null });
    expect(stderr).toContain('a query missing from a run scores 0 there (trec_eval -c)');
  });

  it('prints a text table by default and takes --baseline, --test, --correction, --alpha', async () => {
    const { stdout } = await compare({
      qrels: QRELS,
      run: [`oracle=${RUN}`, demoted, fusedJson],
      baseline: 'fused',
      test: 'wilcoxon',
      correction: 'bh',
      alpha: '0.1',
      metrics: 'ndcg@10',
    });
    expect(stdout.split('\n')[0]).toBe(
      '39 queries; Wilcoxon signed-rank test, bh correction per metric, alpha 0.1; baseline: fused',
    );
    expect(stdout).toMatch(/ndcg@10 +fused +0\.\d{4} +baseline/);
    expect(stdout).toContain('note: queries: the 39 of the qrels');
    const md = await compare({
      qrels: QRELS,
      run: [RUN, demoted],
      markdown: true,
      metrics: 'ndcg@10',
    });
    expect(md.stdout).toContain('| ndcg@10 | run | ');
    const tex = await compare({
      qrels: QRELS,
      run: [RUN, demoted],
      latex: true,
      metrics: 'ndcg@10',
    });
    expect(tex.stdout).toContain('\\begin{tabular}{lr}');
  });

  it('names runs after their files, and rejects bad options with the option named', async () => {
    expect(parseRunSpec('runs/bm25.trec.gz')).toEqual(['bm25', 'runs/bm25.trec.gz']);
    expect(parseRunSpec('a=b=c.txt')).toEqual(['a', 'b=c.txt']);
    expect(() => parseRunSpec('=x')).toThrow(/name before "=" is empty/);
    const base = { qrels: QRELS, run: [`a=${RUN}`, `b=${demoted}`] };
    await expect(compare({ ...base, baseline: 'c' })).rejects.toThrow(
      '--baseline "c" names no run; runs: a, b',
    );
    await expect(compare({ ...base, test: 't' })).rejects.toThrow(/unknown test "t"/);
    await expect(compare({ ...base, correction: 'x' })).rejects.toThrow(/unknown correction "x"/);
    await expect(compare({ ...base, alpha: 'high' })).rejects.toThrow(
      '--alpha "high" is not a number',
    );
    await expect(compare({ ...base, metrics: 'ndcg' })).rejects.toThrow(/unknown metric "ndcg"/);
    await expect(compare({ ...base, json: true, latex: true })).rejects.toThrow(
      /at most one of --json, --markdown, --latex/,
    );
    await expect(compare({ qrels: QRELS, run: [RUN] })).rejects.toThrow(/at least 2 runs/);
    await expect(compare({ qrels: QRELS, run: [RUN, RUN] })).rejects.toThrow(
      /two runs are named "run"/,
    );
    await expect(compare({ qrels: QRELS, run: [RUN, join(dir(), 'none.txt')] })).rejects.toThrow(
      /none.txt: cannot open run file/,
    );
  });
});
