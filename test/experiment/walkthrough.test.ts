import { describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as aq from 'arquero';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import type { ResultsFile } from '../../src/data/types.js';
import {
  WALKTHROUGH_SIZE_NAMES,
  estimateExperiment,
  gridOptions,
  runExperiment,
  walkthroughRun,
  defaultWalkthroughSize,
  DEFAULT_WALKTHROUGH_SECONDS,
  type GridOptions,
  type WalkthroughSize,
} from '../../src/experiment/index.js';
import { silentProgress } from '../../src/util/index.js';
import { syntheticDataset, TINY_GRID } from './synthetic-dataset.js';
import { withTempDir } from '../temp-dir.js';

/** The synthetic task written as a BEIR folder, so runExperiment loads it by spec. */
async function writeBeir(dir: string): Promise<void> {
  const d = syntheticDataset();
  await mkdir(join(dir, 'qrels'), { recursive: true });
  const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  await writeFile(
    join(dir, 'corpus.jsonl'),
    jsonl(Object.entries(d.corpus).map(([id, doc]) => ({ _id: id, ...doc }))),
  );
  const queries = Object.values(d.splits).flatMap((s) =>
    Object.entries(s!.queries).map(([id, q]) => ({ _id: id, text: q.text })),
  );
  await writeFile(join(dir, 'queries.jsonl'), jsonl(queries));
  for (const [name, split] of Object.entries(d.splits)) {
    const lines = Object.entries(split!.qrels).flatMap(([q, docs]) =>
      Object.entries(docs).map(([doc, rel]) => `${q}\t${doc}\t${rel}`),
    );
    await writeFile(
      join(dir, 'qrels', `${name}.tsv`),
      ['query-id\tcorpus-id\tscore', ...lines].join('\n') + '\n',
    );
  }
}

const tiny: Partial<GridOptions> = { ...TINY_GRID, asymmetric: false, halfDepth: false };

describe('runExperiment', () => {
  it('writes results.json (with its settings), results.csv and report.html; a rerun adds nothing', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('experiment', async (root) => {
      await writeBeir(join(root, 'data'));
      const out = join(root, 'out');
      const run = () =>
        runExperiment({
          datasets: [`beir:${join(root, 'data')}`],
          out,
          grid: tiny,
          progress: silentProgress,
        });
      const first = await run();
      expect(first.results.rows.map((r) => `${r.method}:${r.queryLayers}`)).toEqual([
        'bm25:0',
        'full:2',
        'pruned:1',
        'kale-kl:1',
      ]);
      const saved = JSON.parse(await readFile(first.paths.json, 'utf8')) as ResultsFile;
      expect(saved.rows).toEqual(first.results.rows);
      expect(saved.settings).toMatchObject({
        preset: 'quick',
        init: null,
        grid: { queryDepths: [1], wordVectors: null, model: { hiddenSize: 16 } },
      });
      // results.csv holds the same rows: read back with arquero's own parser.
      const csv = aq.fromCSV(await readFile(first.paths.csv, 'utf8'));
      expect(csv.columnNames().slice(0, 4)).toEqual([
        'dataset',
        'method',
        'queryLayers',
        'passageLayers',
      ]);
      expect(csv.array('method')).toEqual(first.results.rows.map((r) => r.method));
      const mrr = csv.array('mrr@10') as number[];
      first.results.rows.forEach((r, i) => expect(mrr[i]).toBeCloseTo(r.metrics['mrr@10']!, 5));
      // Each row's TREC run is kept beside the results, for significance tests later.
      expect((await readdir(join(out, 'runs', first.results.rows[0]!.dataset))).sort()).toEqual([
        'bm25.trec',
        'full.trec',
        'kale-kl-q1.trec',
        'pruned-q1.trec',
      ]);
      const report = await readFile(first.paths.report, 'utf8');
      expect(report).toContain('<html');
      // Every compared row says against what and with which p; the summary says it in words.
      const byMethod = Object.fromEntries(first.results.rows.map((r) => [r.method, r]));
      expect(byMethod['bm25']!.comparison).toBeNull();
      expect(byMethod['full']!.comparison).toBeNull();
      expect(byMethod['pruned']!.comparison).toMatchObject({ against: 'full', metric: 'ndcg@10' });
      expect(byMethod['kale-kl']!.comparison).toMatchObject({
        against: 'pruned',
        againstQueryLayers: 1,
      });
      expect(first.summary).toMatch(/over \d+ test queries, paired randomization test/);
      expect(first.summary).toContain('pruned q1 vs full');
      expect(first.summary).toContain('kale-kl q1 vs pruned q1');
      expect(report).toContain('Hold at p &lt; 0.05');
      expect(csv.columnNames()).toContain('comparisonPValue');

      const again = await run();
      expect(again.results.rows).toEqual(first.results.rows);
      expect(again.results.createdAt).toBe(first.results.createdAt);
      expect(again.mainMetrics).toEqual({ [first.results.rows[0]!.dataset]: 'ndcg@10' }); // BEIR's

      // Another grid on the same dataset replaces its rows: no kale-kl row left from before.
      const other = await runExperiment({
        datasets: [`beir:${join(root, 'data')}`],
        out,
        grid: { ...tiny, alignLosses: ['mse'] },
        progress: silentProgress,
      });
      expect(other.results.rows.map((r) => r.method)).toEqual([
        'bm25',
        'full',
        'pruned',
        'kale-mse',
      ]);
      expect(other.results.rows.slice(0, 3)).toEqual(first.results.rows.slice(0, 3));
    });
  });
});

describe('estimateExperiment', () => {
  it('plans the grid on each dataset it loads and times a real step', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('estimate', async (root) => {
      await writeBeir(join(root, 'data'));
      const estimate = await estimateExperiment({
        datasets: [`beir:${join(root, 'data')}`],
        grid: tiny,
      });
      const train = estimate.work.filter((w) => w.kind === 'train');
      expect(train.map((w) => w.label)).toEqual(['data full']); // a BEIR dataset is named by its folder
      expect(estimate.trainSteps).toBe(3); // TINY_TRAIN's steps
      expect(estimate.seconds).toBeGreaterThan(0);
      expect(estimate.seconds).toBeCloseTo(
        estimate.byKind.train +
          estimate.byKind.align +
          estimate.byKind.encode +
          estimate.byKind.search,
        9,
      );
      // One model, no background thread: wall time is all the work; encoding has its own rate.
      expect(estimate.wallSeconds).toBeCloseTo(estimate.seconds, 9);
      expect(estimate.encodeSecondsPerGflop).toBeGreaterThan(0);
      expect(estimate.work.filter((w) => w.kind === 'search').length).toBeGreaterThan(0);
      expect(estimate.searchSecondsPerGflop).toBeGreaterThan(0);
    });
  });
});

describe('walkthroughRun', () => {
  it('is standard by default: every wordnet-senses query, 40% of them test, the standard grid', () => {
    const run = walkthroughRun('standard');
    expect(run.datasets).toEqual(['wordnet-senses:quick,maxQueries=all,split=0.55/0.05/0.4']);
    expect(run.preset).toBe('standard');
    expect(run.grid).toEqual({}); // the preset as it is
    expect(WALKTHROUGH_SIZE_NAMES).toEqual(['quick', 'standard', 'full']);
  });

  it('quick runs a 2-layer model pruned to 1 layer, with or without a seed', () => {
    for (const run of [walkthroughRun('quick'), walkthroughRun('quick', 7)]) {
      const grid = gridOptions(run.preset, run.grid);
      expect(grid.model.numHiddenLayers).toBe(2);
      expect(grid.model.hiddenSize).toBe(64);
      expect(grid.queryDepths).toEqual([1]);
      expect(grid.train.steps).toBe(gridOptions('quick').train.steps); // the quick schedule
    }
  });

  it('--seed sets the split (in the spec), initialisation, training and alignment seeds', () => {
    const run = walkthroughRun('quick', 7);
    expect(run.datasets).toEqual(['wordnet-senses:quick,maxQueries=1800,seed=7']);
    expect(run.grid.seed).toBe(7);
    expect(run.grid.train?.seed).toBe(7);
    expect(run.grid.kale?.seed).toBe(7);
    // The rest of the preset's schedule is kept.
    expect(run.grid.train?.epochs).toBe(gridOptions('quick').train.epochs);
    expect(walkthroughRun('full', 3).datasets).toEqual([
      'wordnet-senses:full,seed=3',
      'wordnet-definitions:full,seed=3',
    ]);
  });

  it('rejects an unknown size and a bad seed by name', () => {
    expect(() => walkthroughRun('huge' as WalkthroughSize)).toThrow(
      /unknown walkthrough size "huge"; allowed: quick, standard, full/,
    );
    expect(() => walkthroughRun('quick', -1)).toThrow(/seed: -1 is not a non-negative integer/);
  });
});

describe('defaultWalkthroughSize', () => {
  it('is standard on a CPU backend, without estimating full', async () => {
    let asked = 0;
    const choice = await defaultWalkthroughSize(false, () => {
      asked++;
      return Promise.resolve({ wallSeconds: 1 });
    });
    expect(choice).toEqual({ size: 'standard', why: 'the default' });
    expect(asked).toBe(0);
  });

  it('is full on a GPU backend where full is estimated within the aim, else standard', async () => {
    expect(DEFAULT_WALKTHROUGH_SECONDS).toBe(900);
    const fits = await defaultWalkthroughSize(true, () => Promise.resolve({ wallSeconds: 840 }));
    expect(fits).toEqual({
      size: 'full',
      why: 'the default on this GPU backend: full is estimated at 14 min',
    });
    const slow = await defaultWalkthroughSize(true, () => Promise.resolve({ wallSeconds: 7200 }));
    expect(slow.size).toBe('standard');
    expect(slow.why).toBe('the default: full is estimated at 120 min on this GPU backend');
  });
});
