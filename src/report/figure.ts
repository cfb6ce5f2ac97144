/**
 * Figure builders as plain Plotly data (see figure-types.ts): loss curves, histograms and
 * bars here; the speedup-vs-quality chart and layer maps in their own files; rendering in
 * figure-html.ts. This file is also the facade that re-exports them all. Builders validate
 * their input and copy it; they never mutate what they are given.
 */
import type { ColumnTable } from 'arquero';
import {
  baseLayout,
  paletteColor,
  requireFinite,
  type PlotlyFigure,
  type PlotlyTrace,
} from './figure-types.js';

export { isPlotlyFigure, PALETTE, type PlotlyFigure, type PlotlyTrace } from './figure-types.js';
export {
  speedupQualityFigure,
  type SpeedupQualityOptions,
  type SpeedupQualityRow,
} from './figure-speedup.js';
export { layerMapFigure, type LayerMapOptions } from './figure-layers.js';
export { figureHtml, type FigureHtmlOptions } from './figure-html.js';

const CONFIG = Object.freeze({ responsive: true, displaylogo: false });

// ---------------------------------------------------------------- loss curves

/** A loss history: `{ step, loss }` points, or plain losses indexed by step 0, 1, 2, ... */
export type LossCurveInput =
  readonly { readonly step: number; readonly loss: number }[] | readonly number[];

export interface LossCurveOptions {
  readonly title?: string;
  /** Default "step". */
  readonly xTitle?: string;
  /** Default "loss". */
  readonly yTitle?: string;
  /** Logarithmic y axis (default false). */
  readonly logY?: boolean;
}

/** One line per named history, e.g. `{ train: [...], dev: [...] }`. */
export function lossCurveFigure(
  histories: Readonly<Record<string, LossCurveInput>>,
  options: LossCurveOptions = {},
): PlotlyFigure {
  const data = Object.entries(histories).map(([name, history], i): PlotlyTrace => {
    const steps: number[] = [];
    const losses: number[] = [];
    history.forEach((point: number | { step: number; loss: number }, j: number) => {
      const step =
        typeof point === 'number'
          ? j
          : requireFinite(point.step, `lossCurveFigure: "${name}"[${j}].step`);
      const loss = typeof point === 'number' ? point : point.loss;
      steps.push(step);
      losses.push(requireFinite(loss, `lossCurveFigure: "${name}"[${j}].loss`));
    });
    const color = paletteColor(i);
    return { type: 'scatter', mode: 'lines', name, x: steps, y: losses, line: { color } };
  });
  return {
    data,
    layout: baseLayout(options.title, {
      xaxis: { title: { text: options.xTitle ?? 'step' } },
      yaxis: {
        title: { text: options.yTitle ?? 'loss' },
        type: options.logY === true ? 'log' : 'linear',
      },
      height: 360,
    }),
    config: CONFIG,
  };
}

// ---------------------------------------------------------------- histograms

export interface HistogramOptions {
  readonly title?: string;
  readonly xTitle?: string;
  /** Default "count" (or "fraction" when normalized). */
  readonly yTitle?: string;
  /** Number of equal-width bins shared by all series (default 30). */
  readonly bins?: number;
  /** Show fractions instead of counts, so series of different sizes compare (default false). */
  readonly normalized?: boolean;
}

/** Equal-width bins over [lo, hi]: counts per bin (the last bin includes hi). */
export function binCounts(xs: readonly number[], lo: number, size: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / size)));
    counts[b] = (counts[b] as number) + 1;
  }
  return counts;
}

/**
 * One histogram per series (`{ queries: [...], documents: [...] }`, or one unnamed array),
 * overlaid, with the same bins for all: [min, max] of all values split into `bins` equal
 * bins, counted here (the figure carries counts, not the raw values). Integer data whose
 * range is below `bins` gets one bin per integer.
 */
export function histogramFigure(
  values: readonly number[] | Readonly<Record<string, readonly number[]>>,
  options: HistogramOptions = {},
): PlotlyFigure {
  const series: [string, readonly number[]][] = Array.isArray(values)
    ? [['values', values as readonly number[]]]
    : Object.entries(values as Readonly<Record<string, readonly number[]>>);
  let lo = Infinity;
  let hi = -Infinity;
  let integers = true;
  for (const [name, xs] of series) {
    xs.forEach((x, i) => {
      requireFinite(x, `histogramFigure: "${name}"[${i}]`);
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      if (!Number.isInteger(x)) integers = false;
    });
  }
  let bins = options.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histogramFigure: bins must be a positive integer, got ${bins}`);
  if (!Number.isFinite(lo)) lo = hi = 0;
  let size: number;
  if (integers && hi - lo + 1 <= bins) {
    bins = hi - lo + 1; // one bin per integer value, centred on it
    lo -= 0.5;
    size = 1;
  } else {
    size = hi > lo ? (hi - lo) / bins : 1;
  }
  const centers = Array.from({ length: bins }, (_, b) => lo + (b + 0.5) * size);
  const ranges = centers.map((c) => [c - size / 2, c + size / 2]);
  const normalized = options.normalized === true;
  const data = series.map(([name, xs], i): PlotlyTrace => {
    const counts = binCounts(xs, lo, size, bins);
    return {
      type: 'bar',
      name,
      x: centers,
      y: normalized ? counts.map((c) => (xs.length > 0 ? c / xs.length : 0)) : counts,
      width: size,
      customdata: ranges,
      hovertemplate: `${name}: %{y} in [%{customdata[0]:.4g}, %{customdata[1]:.4g})<extra></extra>`,
      opacity: series.length > 1 ? 0.6 : 1,
      marker: { color: paletteColor(i), line: { width: 0 } },
    };
  });
  return {
    data,
    layout: baseLayout(options.title, {
      barmode: 'overlay',
      xaxis: { title: { text: options.xTitle ?? '' } },
      yaxis: { title: { text: options.yTitle ?? (normalized ? 'fraction' : 'count') } },
      showlegend: series.length > 1,
      height: 340,
    }),
    config: CONFIG,
  };
}

// ---------------------------------------------------------------- bars

export interface BarOptions {
  /** Column with the category on the x axis. */
  readonly x: string;
  /** Column with the bar height (finite numbers). */
  readonly y: string;
  /** Optional column that splits bars into groups, one colour each. */
  readonly color?: string;
  readonly title?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** 'group' side by side (default) or 'stack'. */
  readonly barmode?: 'group' | 'stack';
}

/** Bars from rows (or an arquero table): one trace per value of `color`, in order of appearance. */
export function barFigure(
  rows: readonly Readonly<Record<string, unknown>>[] | ColumnTable,
  options: BarOptions,
): PlotlyFigure {
  const list = Array.isArray(rows)
    ? (rows as readonly Readonly<Record<string, unknown>>[])
    : ((rows as ColumnTable).objects() as Readonly<Record<string, unknown>>[]);
  const groups = new Map<string, { x: string[]; y: number[] }>();
  list.forEach((row, i) => {
    for (const field of [
      options.x,
      options.y,
      ...(options.color !== undefined ? [options.color] : []),
    ]) {
      if (!(field in row))
        throw new RangeError(
          `barFigure: row ${i} has no field "${field}" (fields: ${JSON.stringify(Object.keys(row))})`,
        );
    }
    const group = options.color !== undefined ? String(row[options.color]) : (options.y as string);
    const bucket = groups.get(group) ?? { x: [], y: [] };
    groups.set(group, bucket);
    bucket.x.push(String(row[options.x]));
    bucket.y.push(requireFinite(row[options.y], `barFigure: row ${i} field "${options.y}"`));
  });
  const data = [...groups].map(([name, g], i): PlotlyTrace => ({
    type: 'bar',
    name,
    x: g.x,
    y: g.y,
    marker: { color: paletteColor(i) },
  }));
  return {
    data,
    layout: baseLayout(options.title, {
      barmode: options.barmode ?? 'group',
      xaxis: { title: { text: options.xTitle ?? options.x }, type: 'category' },
      yaxis: { title: { text: options.yTitle ?? options.y } },
      showlegend: options.color !== undefined,
      height: 360,
    }),
    config: CONFIG,
  };
}
