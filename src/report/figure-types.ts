/**
 * The Plotly figure as plain data: `{ data, layout, config? }`, exactly what
 * `Plotly.newPlot(el, data, layout, config)` and Jupyter's
 * `application/vnd.plotly.v1+json` MIME type take. Builders in figure*.ts return it;
 * figure-html.ts renders it. Nothing here draws.
 */

/** One Plotly trace (`type`, `x`, `y`, ...). Kept loose: Plotly's schema is huge. */
export type PlotlyTrace = Readonly<Record<string, unknown>>;

export interface PlotlyFigure {
  readonly data: readonly PlotlyTrace[];
  readonly layout: Readonly<Record<string, unknown>>;
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Colours by position (Plotly's default sequence), so a method keeps its colour across panels. */
export const PALETTE: readonly string[] = Object.freeze([
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
]);

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/** True for values that look like a PlotlyFigure (used by show() to tell figures from tables). */
export function isPlotlyFigure(value: unknown): value is PlotlyFigure {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { data?: unknown; layout?: unknown };
  return (
    Array.isArray(candidate.data) &&
    candidate.layout !== null &&
    typeof candidate.layout === 'object'
  );
}

/** Common layout defaults: compact margins, a title when given, `extra` last (it wins). */
export function baseLayout(
  title: string | undefined,
  extra: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    ...(title !== undefined ? { title: { text: title } } : {}),
    margin: { l: 60, r: 20, t: title !== undefined ? 60 : 30, b: 50 },
    font: { size: 12 },
    ...extra,
  };
}

/** Throws when a number that must be finite is not; names where it came from. */
export function requireFinite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${where}: expected a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}
