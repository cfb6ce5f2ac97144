/**
 * The set-up notebooks 03-06 share, as one call: quick mode (KALELAB_QUICK=1: a WordNet
 * sample, a 2-layer model, 90 steps), the dataset, the grid options and
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
import { MODEL_SHAPES } from '../train/index.js';
import { gridOptions, type GridOptions } from './options.js';

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

/**
 * Quick mode's grid: the quick grid with the quick training preset's model (2 layers,
 * H 128), pruned to 1 layer, KALE only, on 1,800 sampled queries (90 steps a model).
 * Measured (seed 42, 180 test queries): the full model reaches MRR@10 0.214 from 0.136
 * untrained (1.6×), pruning costs 0.017 and KALE wins back 80% of it. The H 64 models of
 * `walkthrough --quick` reach 0.135 from 0.117: too little for a teacher to show much.
 */
const QUICK: Partial<GridOptions> = Object.freeze({
  model: MODEL_SHAPES['L2-H128'],
  queryDepths: Object.freeze([1]),
  alignLosses: Object.freeze(['kl'] as const),
});
const QUICK_DATASET = 'wordnet-senses:quick,maxQueries=1800';

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
  const dataset = quick ? QUICK_DATASET : 'wordnet-senses:quick';
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
