/**
 * layerMapFigure: which layers of the full query encoder each pruned depth keeps, as a
 * grid (rows = pruned encoders, columns = original layer index; a filled cell is kept and
 * shows its new index). It draws maps that src/compress computes; it computes none.
 */
import { baseLayout, type PlotlyFigure } from './figure-types.js';

export interface LayerMapOptions {
  /** Chart title (default: "Layers kept from a <n>-layer query encoder"). */
  readonly title?: string;
  /** Colour of kept layers (default Plotly blue). */
  readonly color?: string;
}

function checkMap(numLayers: number, name: string, keep: readonly number[]): void {
  keep.forEach((layer, i) => {
    if (!Number.isInteger(layer) || layer < 0 || layer >= numLayers) {
      throw new RangeError(
        `layerMapFigure: map "${name}" position ${i}: layer ${layer} is not an integer in [0, ${numLayers - 1}]`,
      );
    }
    if (i > 0 && layer <= (keep[i - 1] as number)) {
      throw new RangeError(
        `layerMapFigure: map "${name}" must be strictly increasing, got ${JSON.stringify(keep)}`,
      );
    }
  });
}

/**
 * `maps`: label → kept layer indices, e.g. `{ 2: [0, 11], 3: [0, 5, 11] }` (numeric labels
 * read as "2 layers"). Rows are drawn in the order given, top to bottom.
 */
export function layerMapFigure(
  numLayers: number,
  maps:
    Readonly<Record<string, readonly number[]>> | ReadonlyMap<string | number, readonly number[]>,
  options: LayerMapOptions = {},
): PlotlyFigure {
  if (!Number.isInteger(numLayers) || numLayers < 1) {
    throw new RangeError(`layerMapFigure: numLayers must be a positive integer, got ${numLayers}`);
  }
  const entries: [string, readonly number[]][] =
    maps instanceof Map ? [...maps].map(([k, v]) => [String(k), v]) : Object.entries(maps);
  const labels: string[] = [];
  const z: number[][] = [];
  const text: string[][] = [];
  for (const [name, keep] of entries) {
    checkMap(numLayers, name, keep);
    labels.push(/^\d+$/.test(name) ? `${name} layer${name === '1' ? '' : 's'}` : name);
    const kept = new Map(keep.map((layer, newIndex) => [layer, newIndex]));
    z.push(Array.from({ length: numLayers }, (_, j) => (kept.has(j) ? 1 : 0)));
    text.push(Array.from({ length: numLayers }, (_, j) => (kept.has(j) ? `→${kept.get(j)}` : '')));
  }
  const color = options.color ?? '#1f77b4';
  const layers = Array.from({ length: numLayers }, (_, j) => j);
  return {
    data: [
      {
        type: 'heatmap',
        x: layers,
        y: labels,
        z,
        text,
        texttemplate: '%{text}',
        hovertemplate: '%{y}: original layer %{x} %{text}<extra></extra>',
        colorscale: [
          [0, '#eeeeee'],
          [1, color],
        ],
        zmin: 0,
        zmax: 1,
        showscale: false,
        xgap: 2,
        ygap: 2,
      },
    ],
    layout: baseLayout(options.title ?? `Layers kept from a ${numLayers}-layer query encoder`, {
      xaxis: { title: { text: 'original layer' }, dtick: 1, tickmode: 'linear' },
      yaxis: { autorange: 'reversed', type: 'category' },
      height: Math.max(200, 60 + 36 * labels.length + 80),
    }),
    config: { responsive: true, displaylogo: false },
  };
}
