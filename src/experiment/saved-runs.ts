/**
 * Runs on disk for analysis (notebook 06, `kalelab compare`): the grid's own runs, kept as
 * OUT/runs/<dataset>/<row id>.trec by runRow, and any folder of TREC or JSON runs with one
 * qrels file beside them; and the one comparison the walkthrough makes from saved runs that
 * no row carries (asym+kale against half-depth). Scoring and tests are eval/compare's.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Qrels, ResultRow, RetrievalDataset, Run } from '../data/types.js';
import { readRun, readRunFile, readTrecQrels } from '../eval/index.js';
import { runsDirOf } from './grid-workspace.js';
import { compareRowRuns } from './row-comparison.js';
import { planRowId, rowLabel, type Effect } from './significance.js';

/** File names read as runs: TREC text (.trec, .run, .txt), JSON, each optionally gzipped. */
const RUN_FILE = /\.(trec|run|txt|json)(\.gz)?$/i;

/** The name a run file gives its run: the file name without its extensions. */
function runName(file: string): string {
  return file.replace(RUN_FILE, '');
}

/** Row id → run of every row the grid made for `datasetName` under `out`, by row id. */
export async function savedGridRuns(
  out: string,
  datasetName: string,
): Promise<Record<string, Run>> {
  const dir = runsDirOf(out, datasetName);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.trec')).sort();
  } catch (error) {
    throw new Error(
      `${dir}: no saved runs (${(error as NodeJS.ErrnoException).code ?? String(error)}); run the grid first (kalelab walkthrough, or notebook 05)`,
      { cause: error },
    );
  }
  const runs: Record<string, Run> = {};
  for (const f of files) runs[runName(f)] = await readRunFile(join(dir, f));
  return runs;
}

export interface RunFolder {
  readonly qrelsFile: string;
  readonly qrels: Qrels;
  /** File name without extension → run, in file-name order. */
  readonly runs: Record<string, Run>;
}

/**
 * A folder of runs with their qrels: the one file whose name contains "qrels" is the
 * qrels (TREC format), every other run file (RUN_FILE) a run. Throws, naming the folder,
 * when there is no qrels file, more than one, or fewer than one run.
 */
export async function readRunFolder(dir: string): Promise<RunFolder> {
  const files = (await readdir(dir)).sort();
  const qrelsFiles = files.filter((f) => /qrels/i.test(f));
  if (qrelsFiles.length !== 1) {
    throw new Error(
      `${dir}: expected exactly one qrels file (a name containing "qrels"), found ${qrelsFiles.length === 0 ? 'none' : qrelsFiles.join(', ')}`,
    );
  }
  const runFiles = files.filter((f) => !qrelsFiles.includes(f) && RUN_FILE.test(f));
  if (runFiles.length === 0)
    throw new Error(`${dir}: no run files (.trec, .run, .txt or .json, optionally .gz)`);
  const runs: Record<string, Run> = {};
  for (const f of runFiles) {
    const name = runName(f);
    if (Object.hasOwn(runs, name)) throw new Error(`${dir}: two run files are named "${name}"`);
    runs[name] = await readRunFile(join(dir, f));
  }
  const qrelsFile = join(dir, qrelsFiles[0]!);
  return { qrelsFile, qrels: await readTrecQrels(qrelsFile), runs };
}

/**
 * The paper's headline comparison, which no row's own comparison makes: each asym+kale row
 * against the half-depth model (the DistilBERT-like reference), from their saved runs.
 */
export async function halfDepthEffects(
  dataset: RetrievalDataset,
  rows: readonly ResultRow[],
  out: string,
  maxQueries: number | undefined,
): Promise<Effect[]> {
  const half = rows.find((r) => r.method === 'half-depth');
  if (!half) return [];
  const dir = runsDirOf(out, dataset.name);
  const runOf = (r: ResultRow) => readRun(join(dir, `${planRowId(r.method, r.queryLayers)}.trec`));
  const halfRun = await runOf(half);
  const effects: Effect[] = [];
  for (const r of rows.filter((x) => x.method === 'asym+kale')) {
    const comparison = compareRowRuns(
      dataset,
      await runOf(r),
      { method: half.method, queryLayers: half.queryLayers, run: halfRun },
      dataset.mainMetric,
      maxQueries,
    );
    effects.push({ dataset: dataset.name, row: rowLabel(r.method, r.queryLayers), comparison });
  }
  return effects;
}
