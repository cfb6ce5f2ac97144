/**
 * `kalelab walkthrough` and `kalelab experiment` as library calls: load datasets, run the
 * grid on each, keep results.json / results.csv current after every row, and write
 * report.html at the end. A rerun with the same `out` makes nothing again (the artifact
 * cache, cache.ts); rows of other datasets in an existing results.json are kept.
 */
import { join } from 'node:path';
import { loadDataset } from '../data/index.js';
import type { ResultRow, ResultsFile } from '../data/types.js';
import { activeBackend, initBackend } from '../backend/index.js';
import { writeHtmlReport } from '../report/index.js';
import { defaultProgress, type ProgressSink } from '../util/index.js';
import { runGrid } from './grid.js';
import type { GridHooks } from './grid-workspace.js';
import { gridOptions, type GridOptions, type GridPresetName } from './options.js';
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
  for (const spec of options.datasets) {
    log(`loading ${spec}`);
    const dataset = await loadDataset(spec);
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
 * The walkthrough's datasets: wordnet-senses, plus wordnet-definitions unless quick. The
 * quick one samples 1,800 queries (about 1,440 for training) so the whole grid (four
 * trained models, seven alignments) fits in a few minutes on 2 cores.
 */
export function walkthroughDatasets(quick: boolean): string[] {
  return quick
    ? ['wordnet-senses:quick,maxQueries=1800']
    : ['wordnet-senses:full', 'wordnet-definitions:full'];
}
