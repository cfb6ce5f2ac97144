/**
 * The sorted per-query delta chart: for each system, its per-query differences against a
 * baseline (eval/compare's perQueryDeltas table, or rows with `system` and `delta`) sorted
 * from the largest loss to the largest win, one line per system, x = the query's position
 * in that order (0–1, so systems over different query counts share the axis). Where a
 * line crosses 0 splits losses from wins; the areas above and below show whether a mean
 * difference is many small wins or a few large ones. It draws; it computes no test.
 */
import type { ColumnTable } from 'arquero';
import { baseLayout, paletteColor, requireFinite, type PlotlyFigure } from './figure-types.js';

export interface DeltaFigureOptions {
  readonly title?: string;
  /** y-axis title (default "Δ per query"). */
  readonly yTitle?: string;
}

/** One line per system of per-query deltas, each sorted ascending (see the file header). */
export function sortedDeltaFigure(
  rows: readonly Readonly<Record<string, unknown>>[] | ColumnTable,
  options: DeltaFigureOptions = {},
): PlotlyFigure {
  const list = Array.isArray(rows)
    ? (rows as readonly Readonly<Record<string, unknown>>[])
    : ((rows as ColumnTable).objects() as Readonly<Record<string, unknown>>[]);
  const bySystem = new Map<string, number[]>();
  list.forEach((row, i) => {
    if (!('system' in row) || !('delta' in row))
      throw new RangeError(
        `sortedDeltaFigure: row ${i} needs fields "system" and "delta" (has ${JSON.stringify(Object.keys(row))})`,
      );
    const deltas = bySystem.get(String(row['system'])) ?? [];
    bySystem.set(String(row['system']), deltas);
    deltas.push(requireFinite(row['delta'], `sortedDeltaFigure: row ${i} field "delta"`));
  });
  const data = [...bySystem].map(([system, deltas], i) => {
    const sorted = [...deltas].sort((a, b) => a - b);
    const n = sorted.length;
    return {
      type: 'scatter',
      mode: 'lines',
      name: system,
      x: sorted.map((_, j) => (n === 1 ? 0.5 : j / (n - 1))),
      y: sorted,
      line: { color: paletteColor(i), shape: 'hv' },
    };
  });
  return {
    data,
    layout: baseLayout(options.title, {
      xaxis: { title: { text: 'queries, sorted by Δ (share)' }, range: [0, 1] },
      yaxis: { title: { text: options.yTitle ?? 'Δ per query' }, zeroline: true },
      showlegend: true,
      height: 360,
    }),
    config: { responsive: true, displaylogo: false },
  };
}
