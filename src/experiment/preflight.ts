/**
 * Checks of `runExperiment`'s inputs before any work starts, so a bad input fails within
 * seconds, not after the first dataset's training: every dataset spec is parsed and loaded,
 * `--init`'s depth is checked against the grid's query depths and the checkpoint loaded,
 * a `--word-vectors` file's first lines are checked (not the whole file: that is the grid's
 * job), and `--out` is made and probed. Each error names the option and the file. The checks
 * where the inputs are used (loaders, checkpoint IO) still guard every other caller.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset, parseDatasetSpec } from '../data/index.js';
import type { RetrievalDataset, SplitName } from '../data/types.js';
import { configFromHf, disposeEncoder, loadEncoder } from '../model/index.js';
import { checkWordVectorsHead } from '../train/index.js';
import { parseJson } from '../util/json.js';
import { gridOptions, type GridOptions } from './options.js';
import type { ExperimentOptions } from './walkthrough.js';

const GRID_SPLITS: readonly SplitName[] = Object.freeze(['train', 'test']);

type Fields = 'datasets' | 'out' | 'preset' | 'grid' | 'init';
export type PreflightOptions = Pick<ExperimentOptions, Fields>;

/** Every check (file header); the datasets loaded, in spec order. `init` needs a backend. */
export async function preflightExperiment(options: PreflightOptions): Promise<RetrievalDataset[]> {
  const grid = gridOptions(options.preset ?? 'quick', options.grid);
  if (options.datasets.length === 0) throw new Error('--dataset: no dataset spec given');
  options.datasets.forEach((spec, i) =>
    rethrowAs(datasetLabel(spec, i, options.datasets), () => parseDatasetSpec(spec)),
  );
  await checkOutputFolder(options.out);
  if (options.init !== undefined) await checkInitCheckpoint(options.init, grid.queryDepths);
  else {
    checkGridDepths(grid);
    // The grid ignores word vectors when it starts from a checkpoint (grid-workspace.ts).
    await checkWordVectors(grid.wordVectors);
  }
  const datasets: RetrievalDataset[] = [];
  for (const [i, spec] of options.datasets.entries()) {
    const label = datasetLabel(spec, i, options.datasets);
    const dataset = await rethrowAs(label, () => loadDataset(spec));
    // The grid trains on the train split and evaluates on the test split.
    const missing = GRID_SPLITS.filter((s) => dataset.splits[s] === undefined);
    if (missing.length > 0)
      throw new Error(
        `${label}: the grid needs a train and a test split; ${dataset.name} has no ${missing.join(' or ')} split (has: ${Object.keys(dataset.splits).join(', ') || 'none'})`,
      );
    datasets.push(dataset);
  }
  return datasets;
}

/** `--out DIR` is a folder this process can write: made when missing, probed with a file. */
export async function checkOutputFolder(out: string): Promise<void> {
  const where = `--out ${out}`;
  const info = await stat(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw fsError(where, 'cannot use it as a folder', error);
  });
  if (info !== undefined && !info.isDirectory())
    throw new Error(`${where}: exists and is not a folder`);
  if (info === undefined) {
    await mkdir(out, { recursive: true }).catch((error: unknown) => {
      throw fsError(where, 'cannot create the folder', error);
    });
  }
  // The probe's own name stays out of the message: the user knows only the folder.
  const probe = join(out, `.kalelab-preflight-${process.pid}`);
  try {
    await writeFile(probe, '');
  } catch (error) {
    throw fsError(where, 'the folder is not writable', error);
  }
  await rm(probe, { force: true });
}

/**
 * `--init DIR` is a loadable checkpoint deep enough for every query depth of the grid
 * (each in 1…L−1 for an L-layer model). config.json is checked first (a depth error names
 * it at once), then the whole checkpoint is loaded once and freed.
 */
export async function checkInitCheckpoint(
  init: string,
  queryDepths: readonly number[],
): Promise<void> {
  const file = join(init, 'config.json');
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw fsError(`--init ${init}`, `cannot read ${file}`, error);
  });
  const L = rethrowAs(`--init ${init}`, () =>
    configFromHf(parseJson(text, file), file),
  ).numHiddenLayers;
  if (L < 2)
    throw new Error(
      `--init ${init}: ${file} has num_hidden_layers ${L}; pruning needs a model of at least 2 layers`,
    );
  checkDepths(`--init ${init}: ${file} has num_hidden_layers ${L}`, L, queryDepths);
  const loaded = await rethrowAs(`--init ${init}`, () => loadEncoder(init, { trainable: false }));
  disposeEncoder(loaded.encoder);
}

/** `--word-vectors`: a file's first lines (see train/word-vectors-head.ts); 'wink' is not checked. */
export async function checkWordVectors(source: GridOptions['wordVectors']): Promise<void> {
  // When the optional wink package is missing the grid says so and starts random.
  if (source === null || source === 'wink') return;
  await rethrowAs('--word-vectors', () => checkWordVectorsHead(source));
}

/** Without `--init`: every query depth is one the grid's own full model can be pruned to. */
export function checkGridDepths(grid: Pick<GridOptions, 'model' | 'queryDepths'>): void {
  const L = grid.model.numHiddenLayers;
  checkDepths(`--depths: the grid's full model has ${L} layers`, L, grid.queryDepths);
}

/** Throws "`where`, so every query depth … must be in 1…L−1" unless each is. */
function checkDepths(where: string, L: number, depths: readonly number[]): void {
  const bad = depths.filter((k) => !Number.isInteger(k) || k < 1 || k >= L);
  if (bad.length > 0)
    throw new Error(
      `${where}, so every query depth (--depths) must be in 1…${L - 1}; got ${bad.join(', ')}`,
    );
}

/** An fs error as "where: what (CODE)". */
function fsError(where: string, what: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new Error(`${where}: ${what} (${code})`, { cause: error });
}

function datasetLabel(spec: string, i: number, all: readonly string[]): string {
  const shown = spec.length > 200 ? `${spec.slice(0, 200)}…` : spec;
  return all.length > 1 ? `--dataset ${shown} (${i + 1} of ${all.length})` : `--dataset ${shown}`;
}

/** `fn`, its errors prefixed with `label: `; crashes (TypeError…) pass unchanged, as bugs. */
function rethrowAs<T>(label: string, fn: () => T): T {
  const wrap = (error: unknown): never => {
    const plain = error instanceof Error && ['Error', 'DatasetFormatError'].includes(error.name);
    throw plain ? new Error(`${label}: ${error.message}`, { cause: error }) : error;
  };
  try {
    const value = fn();
    return (value instanceof Promise ? value.catch(wrap) : value) as T;
  } catch (error) {
    return wrap(error);
  }
}
