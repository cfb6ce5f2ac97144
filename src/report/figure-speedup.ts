/**
 * speedupQualityFigure: the paper's chart — x = query-encoder speedup, y = a quality
 * metric, one line per method (through its depths), one panel per dataset. Rows are the
 * results.json rows (DESIGN.md). Methods without a speedup (BM25) become a dashed
 * horizontal reference line. It reads rows; it computes no metric or speedup itself.
 */
import { baseLayout, paletteColor, type PlotlyFigure, type PlotlyTrace } from './figure-types.js';

/** The fields of a results.json row that the chart reads (the full row type fits). */
export interface SpeedupQualityRow {
  readonly dataset: string;
  readonly method: string;
  readonly queryLayers?: number | null;
  readonly speedup?: number | null;
  readonly metrics: Readonly<Record<string, number | null | undefined>>;
}

export interface SpeedupQualityOptions {
  /** Metric on the y axis, e.g. "mrr@10" (must occur in at least one row). */
  readonly metric: string;
  /** Chart title (default: "<metric> vs query-encoder speedup"). */
  readonly title?: string;
  /** Methods to draw, in legend order (default: all, in order of first appearance). */
  readonly methods?: readonly string[];
  /** Panels per row (default: min(3, number of datasets)). */
  readonly columns?: number;
  /** Height of one row of panels in pixels (default 340). */
  readonly panelHeight?: number;
}

const H_GAP = 0.07; // horizontal gap between panels, in paper fraction
const V_GAP = 0.16; // vertical gap (room for the panel title and x-axis title)

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function uniqueInOrder(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function layersLabel(layers: number | null | undefined, method: string): string {
  if (!finite(layers)) return method;
  return `${layers} query layer${layers === 1 ? '' : 's'}`;
}

/** Axis names of panel i: Plotly calls the first "x"/"xaxis", then "x2"/"xaxis2", ... */
function axisNames(i: number): { x: string; y: string; xaxis: string; yaxis: string } {
  const n = i === 0 ? '' : String(i + 1);
  return { x: `x${n}`, y: `y${n}`, xaxis: `xaxis${n}`, yaxis: `yaxis${n}` };
}

export function speedupQualityFigure(
  rows: readonly SpeedupQualityRow[],
  options: SpeedupQualityOptions,
): PlotlyFigure {
  const { metric } = options;
  if (!rows.some((r) => finite(r.metrics[metric]))) {
    const known = uniqueInOrder(rows.flatMap((r) => Object.keys(r.metrics)));
    throw new RangeError(
      `speedupQualityFigure: no row has a value for metric "${metric}"; metrics present: ${JSON.stringify(known)}`,
    );
  }
  const datasets = uniqueInOrder(rows.map((r) => r.dataset));
  const methods = options.methods ?? uniqueInOrder(rows.map((r) => r.method));
  const columns = Math.max(1, Math.min(options.columns ?? 3, datasets.length));
  const gridRows = Math.ceil(datasets.length / columns);
  const panelHeight = options.panelHeight ?? 340;

  const data: PlotlyTrace[] = [];
  const layoutAxes: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const inLegend = new Set<string>();

  datasets.forEach((dataset, p) => {
    const names = axisNames(p);
    const col = p % columns;
    const row = Math.floor(p / columns);
    const width = (1 - H_GAP * (columns - 1)) / columns;
    const height = (1 - V_GAP * (gridRows - 1)) / gridRows;
    const x0 = col * (width + H_GAP);
    const y1 = 1 - row * (height + V_GAP);
    layoutAxes[names.xaxis] = {
      domain: [x0, x0 + width],
      anchor: names.y,
      title: { text: 'speedup (×)' },
      zeroline: false,
    };
    layoutAxes[names.yaxis] = {
      domain: [y1 - height, y1],
      anchor: names.x,
      title: { text: metric },
    };
    annotations.push({
      text: `<b>${dataset}</b>`,
      x: x0 + width / 2,
      y: y1,
      xref: 'paper',
      yref: 'paper',
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    });

    const mine = rows.filter((r) => r.dataset === dataset && finite(r.metrics[metric]));
    const speedups = mine.map((r) => r.speedup).filter(finite);
    const xMin = Math.min(1, ...speedups);
    const xMax = Math.max(1, ...speedups);
    methods.forEach((method, m) => {
      const points = mine.filter((r) => r.method === method);
      if (points.length === 0) return;
      const color = paletteColor(m);
      const showlegend = !inLegend.has(method);
      inLegend.add(method);
      const common = {
        name: method,
        legendgroup: method,
        showlegend,
        xaxis: names.x,
        yaxis: names.y,
      };
      const withSpeedup = points
        .filter((r) => finite(r.speedup))
        .sort((a, b) => (a.speedup ?? 0) - (b.speedup ?? 0));
      if (withSpeedup.length > 0) {
        data.push({
          ...common,
          type: 'scatter',
          mode: withSpeedup.length > 1 ? 'lines+markers' : 'markers',
          x: withSpeedup.map((r) => r.speedup),
          y: withSpeedup.map((r) => r.metrics[metric]),
          text: withSpeedup.map((r) => layersLabel(r.queryLayers, method)),
          hovertemplate: `${method}<br>%{text}<br>speedup %{x:.2f}×<br>${metric} %{y:.4f}<extra>${dataset}</extra>`,
          line: { color },
          marker: { color, size: 8 },
        });
      } else {
        // No query encoder to speed up (e.g. BM25): a reference level across the panel.
        const level = points[0]?.metrics[metric] as number;
        data.push({
          ...common,
          type: 'scatter',
          mode: 'lines',
          x: [xMin, xMax],
          y: [level, level],
          hovertemplate: `${method}<br>${metric} %{y:.4f}<extra>${dataset}</extra>`,
          line: { color, dash: 'dash' },
        });
      }
    });
  });

  const layout = baseLayout(options.title ?? `${metric} vs query-encoder speedup`, {
    ...layoutAxes,
    annotations,
    height: panelHeight * gridRows + 120,
    legend: { title: { text: 'method' } },
    hovermode: 'closest',
  });
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
