/**
 * The set-up notebooks 03-06 share, as one call: quick mode (KALELAB_QUICK=1: a WordNet
 * sample, a narrow 3-layer model, a few dozen steps), the dataset, the grid options and
 * the output folder. Because the cache is keyed by content (cache.ts), every notebook that
 * opens the same settings finds the models, indexes and rows the others made, and a
 * changed setting never picks up a stale model — no settings hash in the folder name.
 *
 * It does not run anything by itself: `open` opens the grid (grid-workspace.ts) on the
 * loaded dataset, and notebook 05 hands `options` and `out` to runExperiment.
 */
import { resolve } from 'node:path';
import { loadDataset } from '../data/index.js';
import { openGridWorkspace, type GridHooks, type GridWorkspace } from './grid-workspace.js';
import { GRID_PRESETS, gridOptions, type GridOptions } from './options.js';

export interface NotebookGrid {
  readonly quick: boolean;
  /** The main dataset's spec (KIND:PATH). */
  readonly dataset: string;
  /** The second WordNet task notebook 05 adds. */
  readonly secondDataset: string;
  readonly options: GridOptions;
  /** The shared output folder (cache, results, runs). */
  readonly out: string;
  /** Loads the dataset and opens the grid on it (close it at the end of the notebook). */
  open(hooks?: GridHooks, overrides?: Partial<GridOptions>): Promise<GridWorkspace>;
}

/** Quick mode's grid: small enough for a notebook cell on 2 cores. */
const QUICK: Partial<GridOptions> = Object.freeze({
  model: Object.freeze({
    ...GRID_PRESETS.quick.model,
    hiddenSize: 64,
    intermediateSize: 256,
    numHiddenLayers: 3,
  }),
  vocabSize: 4096,
  queryDepths: Object.freeze([1]),
  alignLosses: Object.freeze(['kl'] as const),
  train: Object.freeze({ batchSize: 16, pMaxLen: 32, steps: 40 }),
  kale: Object.freeze({ steps: 20 }),
});

/**
 * The notebooks' grid: quick when `env.KALELAB_QUICK` is '1', else the quick preset on the
 * quick WordNet build; output under `root`/out/notebook-runs/ (root: the repository, '..'
 * from notebooks/, where the kernel runs).
 */
export function notebookGrid(
  env: Readonly<Record<string, string | undefined>> = process.env,
  root = '..',
): NotebookGrid {
  const quick = env['KALELAB_QUICK'] === '1';
  const dataset = quick ? 'wordnet-senses:quick,maxQueries=800' : 'wordnet-senses:quick';
  const options = gridOptions('quick', quick ? QUICK : {});
  return Object.freeze({
    quick,
    dataset,
    secondDataset: quick ? 'wordnet-definitions:quick,maxQueries=400' : 'wordnet-definitions:quick',
    options,
    out: resolve(root, 'out', 'notebook-runs', quick ? 'quick' : 'preset'),
    async open(hooks: GridHooks = {}, overrides: Partial<GridOptions> = {}) {
      const loaded = await loadDataset(dataset);
      return openGridWorkspace(loaded, { ...options, ...overrides }, { out: this.out }, hooks);
    },
  });
}
