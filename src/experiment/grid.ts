/**
 * The paper's experiment grid on one dataset (plan.ts lists its rows): open the grid,
 * make each planned row through the cache (run-row.ts), hand each to the caller as it is
 * finished. A rerun with the same folder and options makes nothing again; a changed option
 * or dataset remakes exactly the artifacts that depend on it (cache.ts, keys.ts).
 */
import type { ResultRow, RetrievalDataset } from '../data/types.js';
import { openGridWorkspace, type GridContext, type GridHooks } from './grid-workspace.js';
import type { GridOptions } from './options.js';
import { runRow } from './run-row.js';

export interface GridRunHooks extends GridHooks {
  /** Called with every finished row; the caller persists it (results.json). */
  readonly onRow?: (row: ResultRow) => Promise<void> | void;
}

/** Runs (or finishes) the grid for one dataset; returns its rows in plan order. */
export async function runGrid(
  dataset: RetrievalDataset,
  options: GridOptions,
  context: GridContext,
  hooks: GridRunHooks = {},
): Promise<ResultRow[]> {
  const ws = await openGridWorkspace(dataset, options, context, hooks);
  const rows: ResultRow[] = [];
  try {
    for (const planned of ws.plan.rows) {
      const row = await runRow(planned, ws);
      rows.push(row);
      await hooks.onRow?.(row);
    }
  } finally {
    await ws.close();
  }
  return rows;
}
