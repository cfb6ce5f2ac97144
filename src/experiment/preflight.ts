/**
 * Checks of `runExperiment`'s inputs before any work starts, so a bad input fails within
 * seconds instead of after the first dataset's training: every dataset spec is parsed and
 * loaded, the `--init` checkpoint is read and its depth checked against the grid's query
 * depths, a `--word-vectors` file's first line is checked, and `--out` is made and probed
 * for writing. Each error names the option and the file.
 *
 * It does not replace the checks where the inputs are used (loaders, checkpoint IO, the
 * word-vector reader): those still guard every other caller. A word-vector file is only
 * sniffed (reading it whole is the grid's job, and costs seconds to minutes).
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

export type PreflightOptions = Pick<
  ExperimentOptions,
  'datasets' | 'out' | 'preset' | 'grid' | 'init'
>;

/**
 * Runs every check (see the file header); returns the datasets it loaded, in spec order.
 * Needs an initialised backend when `init` is given (the checkpoint is loaded once).
 */
export async function preflightExperiment(options: PreflightOptions): Promise<RetrievalDataset[]> {
  const grid = gridOptions(options.preset ?? 'quick', options.grid);
  if (options.datasets.length === 0) throw new Error('--dataset: no dataset spec given');
  options.datasets.forEach((spec, i) =>
    rethrowAs(datasetLabel(spec, i, options.datasets), () => parseDatasetSpec(spec)),
  );
  await checkOutputFolder(options.out);
  if (options.init !== undefined) await checkInitCheckpoint(options.init, grid.queryDepths);
  // The grid ignores word vectors when it starts from a checkpoint (grid-workspace.ts).
  else await checkWordVectors(grid.wordVectors);
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
    throw new Error(`${where}: cannot use it as a folder (${error.code ?? error.message})`, {
      cause: error,
    });
  });
  if (info !== undefined && !info.isDirectory())
    throw new Error(`${where}: exists and is not a folder`);
  if (info === undefined) {
    await mkdir(out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${where}: cannot create the folder (${error.code ?? error.message})`, {
        cause: error,
      });
    });
  }
  // The probe's own name stays out of the message: the user knows only the folder.
  const probe = join(out, `.kalelab-preflight-${process.pid}`);
  try {
    await writeFile(probe, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`${where}: the folder is not writable (${code})`, { cause: error });
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
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`--init ${init}: cannot read ${file} (${error.code ?? error.message})`, {
      cause: error,
    });
  });
  const L = rethrowAs(`--init ${init}`, () =>
    configFromHf(parseJson(text, file), file),
  ).numHiddenLayers;
  if (L < 2)
    throw new Error(
      `--init ${init}: ${file} has num_hidden_layers ${L}; pruning needs a model of at least 2 layers`,
    );
  const bad = queryDepths.filter((k) => !Number.isInteger(k) || k < 1 || k >= L);
  if (bad.length > 0)
    throw new Error(
      `--init ${init}: ${file} has num_hidden_layers ${L}, so every query depth (--depths) must be in 1…${L - 1}; got ${bad.join(', ')}`,
    );
  const loaded = await rethrowAs(`--init ${init}`, () => loadEncoder(init, { trainable: false }));
  disposeEncoder(loaded.encoder);
}

/** `--word-vectors`: a file's first lines (see train/word-vectors-head.ts); 'wink' is not checked. */
export async function checkWordVectors(source: GridOptions['wordVectors']): Promise<void> {
  // When the optional wink package is missing the grid says so and starts random.
  if (source === null || source === 'wink') return;
  await rethrowAs('--word-vectors', () => checkWordVectorsHead(source));
}

function datasetLabel(spec: string, i: number, all: readonly string[]): string {
  const shown = spec.length > 200 ? `${spec.slice(0, 200)}…` : spec;
  return all.length > 1 ? `--dataset ${shown} (${i + 1} of ${all.length})` : `--dataset ${shown}`;
}

/**
 * Runs `fn`; an error it throws gets `label: ` in front. Crashes (TypeError, RangeError…)
 * pass unchanged, so they still read as the bugs they are.
 */
function rethrowAs<T>(label: string, fn: () => T): T {
  const wrap = (error: unknown): never => {
    if (
      !(error instanceof Error) ||
      (error.name !== 'Error' && error.name !== 'DatasetFormatError')
    )
      throw error;
    throw new Error(`${label}: ${error.message}`, { cause: error });
  };
  try {
    const value = fn();
    return (value instanceof Promise ? value.catch(wrap) : value) as T;
  } catch (error) {
    return wrap(error);
  }
}
