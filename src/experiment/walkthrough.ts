/**
 * `kalelab walkthrough` and `kalelab experiment` as library calls: load datasets, run the
 * grid on each, keep results.json / results.csv current after every row, and write
 * report.html at the end. A rerun with the same `out` makes nothing again (the artifact
 * cache, cache.ts); rows of other datasets in an existing results.json are kept.
 */
import { join } from 'node:path';
import { loadDataset, summarizeDataset } from '../data/index.js';
import type { ResultRow, ResultsFile } from '../data/types.js';
import { activeBackend, initBackend } from '../backend/index.js';
import { writeHtmlReport } from '../report/index.js';
import { MODEL_SHAPES } from '../train/index.js';
import { defaultProgress, type ProgressSink } from '../util/index.js';
import { runGrid } from './grid.js';
import type { GridHooks } from './grid-workspace.js';
import {
  GRID_PRESET_NAMES,
  gridOptions,
  type GridOptions,
  type GridPresetName,
} from './options.js';
import {
  estimateSeconds,
  measureEncodeSecondsPerFlop,
  measureSearchSecondsPerFlop,
  measureSecondsPerFlop,
  plannedWork,
  tokensFromWords,
  type TimeEstimate,
  type WorkItem,
} from './estimate.js';
import { planGrid } from './plan.js';
import { backgroundModels } from './scheduler.js';
import { preflightExperiment } from './preflight.js';
import { machineInfo, mergeRow, readResults, writeResults } from './results-io.js';
import { reportSections } from './summary.js';
import { halfDepthEffects } from './saved-runs.js';
import { describeEffects, gridEffects, type Effect } from './significance.js';

export interface ExperimentOptions {
  /** Dataset specs, KIND:PATH (see data/spec.ts). */
  readonly datasets: readonly string[];
  /** Output folder for results.json, results.csv, report.html and the models. */
  readonly out: string;
  /** Grid preset (default 'quick'). */
  readonly preset?: GridPresetName;
  /** Overrides of the preset. */
  readonly grid?: Partial<GridOptions>;
  /** The walkthrough size this run is (recorded in results.json's settings). */
  readonly walkthrough?: WalkthroughSize;
  /** A Hugging Face checkpoint every trained model starts from. */
  readonly init?: string;
  readonly progress?: ProgressSink;
  readonly log?: (line: string) => void;
  readonly hooks?: Omit<GridHooks, 'progress' | 'log'>;
}

export interface ExperimentResult {
  readonly results: ResultsFile;
  /** Each dataset's main metric, by dataset name (tables and charts select by it). */
  readonly mainMetrics: Readonly<Record<string, string>>;
  readonly paths: { readonly json: string; readonly csv: string; readonly report: string };
  /**
   * In words, per dataset, which effects hold at p < 0.05 and which do not: every row's
   * comparison, plus asym+kale against half-depth where both were made.
   */
  readonly summary: string;
  readonly seconds: number;
}

/** Runs the grid on every dataset; see the file header. */
export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const started = performance.now();
  const backend = activeBackend() ?? (await initBackend());
  // Bad inputs fail here, before any training; the datasets it loaded are the ones run.
  const loaded = await preflightExperiment(options);
  const paths = {
    json: join(options.out, 'results.json'),
    csv: join(options.out, 'results.csv'),
    report: join(options.out, 'report.html'),
  };
  const previous = await readResults(paths.json);
  let rows: ResultRow[] = [...(previous?.rows ?? [])];
  const grid = gridOptions(options.preset ?? 'quick', options.grid);
  // Provenance for whoever reads results.json later (the options are plain data).
  const settings = {
    preset: options.preset ?? 'quick',
    ...(options.walkthrough ? { walkthrough: options.walkthrough } : {}),
    grid,
    init: options.init ?? null,
  };
  const save = async () => {
    const file: ResultsFile = {
      backend: backend.name,
      createdAt: previous?.createdAt ?? new Date().toISOString(),
      machine: { ...machineInfo(), backendThreads: backend.threads, simd: backend.simd },
      settings,
      rows,
    };
    await writeResults(paths.json, paths.csv, file);
    return file;
  };
  const mainMetrics: Record<string, string> = {};
  const log = options.log ?? (() => {});
  const extraEffects: Effect[] = [];
  for (const [i, spec] of options.datasets.entries()) {
    log(`loaded ${spec}`);
    const dataset = loaded[i]!;
    mainMetrics[dataset.name] = dataset.mainMetric;
    // This run's grid replaces the dataset's rows: rows of an earlier grid (other depths,
    // other options) would otherwise stand beside them under the new settings. Their
    // artifacts stay in the cache, so an interrupted run loses nothing a rerun cannot load.
    rows = rows.filter((r) => r.dataset !== dataset.name);
    const made = await runGrid(
      dataset,
      grid,
      { out: options.out, ...(options.init ? { init: options.init } : {}) },
      {
        ...options.hooks,
        progress: options.progress ?? defaultProgress(),
        log,
        onRow: async (row) => {
          rows = mergeRow(rows, row);
          await save();
          log(
            `  row ${row.dataset} ${row.method} q${row.queryLayers}: ${formatMain(row, dataset.mainMetric)}`,
          );
        },
      },
    );
    extraEffects.push(
      ...(await halfDepthEffects(dataset, made, options.out, grid.maxEvalQueries ?? undefined)),
    );
  }
  const results = await save();
  await writeHtmlReport(paths.report, {
    title: 'kalelab: quick dense retrievers consume KALE',
    subtitle: `backend ${backend.name}, ${new Date().toISOString()}`,
    sections: reportSections(results.rows, mainMetrics, extraEffects),
  });
  const effects = [...gridEffects(results.rows), ...extraEffects];
  // Grouped by dataset: describeEffects writes one paragraph per dataset.
  const ordered = [...new Set(effects.map((e) => e.dataset))].flatMap((d) =>
    effects.filter((e) => e.dataset === d),
  );
  return {
    results,
    mainMetrics,
    paths,
    summary: ordered.length === 0 ? '' : describeEffects(ordered),
    seconds: (performance.now() - started) / 1000,
  };
}

function formatMain(row: ResultRow, metric: string): string {
  const value = row.metrics[metric];
  const speed = row.speedup === null ? '' : `, ${row.speedup.toFixed(2)}x`;
  return `${metric} ${value === undefined ? '-' : value.toFixed(4)}${speed}`;
}

/**
 * The walkthrough's sizes: `kalelab walkthrough --quick`, the default, `--full` — one per
 * grid preset, of the same name.
 */
export type WalkthroughSize = GridPresetName;
export const WALKTHROUGH_SIZE_NAMES: readonly WalkthroughSize[] = GRID_PRESET_NAMES;

export interface WalkthroughPreset {
  readonly size: WalkthroughSize;
  /** What it is for and how long it takes, for the line printed before it starts. */
  readonly description: string;
  /** Dataset specs (data/spec.ts); `seed=N` is appended by `walkthroughRun`. */
  readonly datasets: readonly string[];
  /** The grid preset (options.ts) it runs. */
  readonly grid: GridPresetName;
  /** What it changes of that preset (the quick walkthrough's smaller model). */
  readonly overrides: Partial<GridOptions>;
}

const preset = (
  size: WalkthroughSize,
  description: string,
  datasets: readonly string[],
  grid: GridPresetName,
  overrides: Partial<GridOptions> = {},
): WalkthroughPreset =>
  Object.freeze({
    size,
    description,
    datasets: Object.freeze(datasets),
    grid,
    overrides: Object.freeze(overrides),
  });

/**
 * - `quick`: 1,800 sampled wordnet-senses queries (about 1,440 for training, 180 test) and
 *   the quick grid with a 2-layer model pruned to 1: 63 s on 2 idle cores (measured), for CI and
 *   a first look; too few test queries to tell most rows apart.
 * - `standard` (the default): every wordnet-senses query, split 0.55 / 0.05 / 0.4 (23,676
 *   for training, 17,111 test, so that effects of a hundredth are told apart from noise)
 *   with the documents they need, and the standard grid (CLS pooling, 600 steps a model, no
 *   training query seen twice): 14 minutes on 2 idle cores (measured: README), within its
 *   15-minute aim.
 * - `full`: both WordNet tasks whole, the 6-layer H 256 grid: days on 2 cores.
 */
export const WALKTHROUGH_PRESETS: Readonly<Record<WalkthroughSize, WalkthroughPreset>> =
  Object.freeze({
    quick: preset(
      'quick',
      'wordnet-senses, 1,800 queries, 2-layer H 64 grid pruned to 1 layer: CI and a first look',
      ['wordnet-senses:quick,maxQueries=1800'],
      'quick',
      // At the quick grid's 90 steps its 4-layer model is still nearly a bag of words:
      // pruning it cost nothing and KALE had nothing to repair (measured: README).
      { model: MODEL_SHAPES['L2-H64-scaled'], queryDepths: [1] },
    ),
    standard: preset(
      'standard',
      'wordnet-senses, all 42,939 queries (23,676 train, 17,111 test), 4-layer H 64 grid, CLS pooling, 600 steps a model',
      ['wordnet-senses:quick,maxQueries=all,split=0.55/0.05/0.4'],
      'standard',
    ),
    full: preset(
      'full',
      'both WordNet tasks whole, 6-layer H 256 grid: the long one',
      ['wordnet-senses:full', 'wordnet-definitions:full'],
      'full',
    ),
  });

/** What `runExperiment` gets for a walkthrough size and seed. */
export interface WalkthroughRun {
  readonly size: WalkthroughSize;
  readonly datasets: string[];
  readonly preset: GridPresetName;
  readonly grid: Partial<GridOptions>;
}

/**
 * The walkthrough of `size`; `seed` (when given) sets every random choice: the WordNet
 * split and sample (`seed=` in the spec), model initialisation, training batches and
 * alignment batches.
 */
export function walkthroughRun(size: WalkthroughSize, seed?: number): WalkthroughRun {
  const chosen = WALKTHROUGH_PRESETS[size];
  if (!chosen) {
    throw new Error(
      `unknown walkthrough size "${size}"; allowed: ${WALKTHROUGH_SIZE_NAMES.join(', ')}`,
    );
  }
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) {
    throw new Error(`walkthrough seed: ${seed} is not a non-negative integer`);
  }
  const base = gridOptions(chosen.grid, chosen.overrides);
  const grid: Partial<GridOptions> =
    seed === undefined
      ? chosen.overrides
      : { ...chosen.overrides, seed, train: { ...base.train, seed }, kale: { ...base.kale, seed } };
  return {
    size,
    datasets: chosen.datasets.map((d) => (seed === undefined ? d : `${d},seed=${seed}`)),
    preset: chosen.grid,
    grid,
  };
}

/** What the default walkthrough is sized for: `standard` takes this on 2 idle CPU cores. */
export const DEFAULT_WALKTHROUGH_SECONDS = 15 * 60;

export interface SizeChoice {
  readonly size: WalkthroughSize;
  /** Why, for the preamble ("the default", "the default on this GPU backend: …"). */
  readonly why: string;
}

/**
 * The size `kalelab walkthrough` runs with neither --quick nor --full, sized to the backend:
 * on a GPU backend `full` when its wall-time estimate there (`estimateFull`, a measured
 * step) fits DEFAULT_WALKTHROUGH_SECONDS, else `standard`, which is sized for CPU cores
 * (measured). On a CPU backend nothing is estimated: `full` takes days there.
 */
export async function defaultWalkthroughSize(
  gpu: boolean,
  estimateFull: () => Promise<{ readonly wallSeconds: number }>,
): Promise<SizeChoice> {
  if (!gpu) return { size: 'standard', why: 'the default' };
  const full = (await estimateFull()).wallSeconds;
  const minutes = `${Math.round(full / 60)} min`;
  return full <= DEFAULT_WALKTHROUGH_SECONDS
    ? { size: 'full', why: `the default on this GPU backend: full is estimated at ${minutes}` }
    : { size: 'standard', why: `the default: full is estimated at ${minutes} on this GPU backend` };
}

/**
 * The time `runExperiment` with these options will take, estimated before it starts (see
 * estimate.ts): loads each dataset (seconds for the WordNet tasks), plans its grid, and
 * times two training steps of the grid's full model on the active backend, a forward
 * pass and a search on its inference engine.
 */
export async function estimateExperiment(
  options: Pick<ExperimentOptions, 'datasets' | 'preset' | 'grid'>,
): Promise<TimeEstimate & { readonly work: readonly WorkItem[] }> {
  const grid = gridOptions(options.preset ?? 'quick', options.grid);
  const work: WorkItem[] = [];
  let lengths: { queryTokens: number; docTokens: number; documents: number } | null = null;
  for (const spec of options.datasets) {
    const dataset = await loadDataset(spec);
    const summary = summarizeDataset(dataset);
    const train = summary.splits.train;
    const test = summary.splits.test;
    if (!train || !test) throw new Error(`${spec}: the walkthrough needs a train and a test split`);
    // A batch pads to its longest text: about the 99th percentile for batches of 32.
    const size = {
      trainQueries: train.queries,
      testQueries: test.queries,
      documents: summary.documents,
      queryTokens: tokensFromWords(train.queryWords.p99, grid.train.qMaxLen ?? 32),
      docTokens: tokensFromWords(summary.docWords.p99, grid.train.pMaxLen ?? 64),
    };
    lengths ??= size;
    const plan = planGrid(grid, { name: dataset.name, mainMetric: dataset.mainMetric });
    const background = new Set(grid.backgroundTraining ? backgroundModels(plan.models) : []);
    work.push(
      ...plannedWork(plan, grid, size, background).map((w) => ({
        ...w,
        label: `${dataset.name} ${w.label}`,
      })),
    );
  }
  if (lengths === null) throw new Error('estimateExperiment: no datasets');
  const rates = {
    train: measureSecondsPerFlop(grid, lengths),
    encode: await measureEncodeSecondsPerFlop(grid, lengths.docTokens),
    search: await measureSearchSecondsPerFlop(grid, lengths.documents),
  };
  return { ...estimateSeconds(work, rates), work };
}
