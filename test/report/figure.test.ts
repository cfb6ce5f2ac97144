import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import {
  barFigure,
  histogramFigure,
  layerMapFigure,
  lossCurveFigure,
  speedupQualityFigure,
  type PlotlyTrace,
  type SpeedupQualityRow,
  binCounts,
} from '../../src/report/figure.js';

const ROWS: SpeedupQualityRow[] = [
  {
    dataset: 'senses',
    method: 'bm25',
    queryLayers: null,
    speedup: null,
    metrics: { 'mrr@10': 0.3 },
  },
  { dataset: 'senses', method: 'full', queryLayers: 6, speedup: 1, metrics: { 'mrr@10': 0.5 } },
  { dataset: 'senses', method: 'pruned', queryLayers: 1, speedup: 5.2, metrics: { 'mrr@10': 0.2 } },
  { dataset: 'senses', method: 'pruned', queryLayers: 3, speedup: 1.9, metrics: { 'mrr@10': 0.4 } },
  {
    dataset: 'senses',
    method: 'pruned',
    queryLayers: 2,
    speedup: 2.8,
    metrics: { 'mrr@10': 0.33 },
  },
  {
    dataset: 'scifact',
    method: 'pruned',
    queryLayers: 2,
    speedup: 2.7,
    metrics: { 'ndcg@10': 0.6 },
  },
  {
    dataset: 'scifact',
    method: 'kale-kl',
    queryLayers: 2,
    speedup: 2.7,
    metrics: { 'mrr@10': 0.45 },
  },
];

function traces(data: readonly PlotlyTrace[], axis: string): PlotlyTrace[] {
  return data.filter((t) => t['xaxis'] === axis);
}

describe('speedupQualityFigure', () => {
  const fig = speedupQualityFigure(ROWS, { metric: 'mrr@10' });

  it('draws one line per method per dataset panel, sorted by speedup', () => {
    const senses = traces(fig.data, 'x');
    expect(senses.map((t) => t['name'])).toEqual(['bm25', 'full', 'pruned']);
    const pruned = senses[2] as PlotlyTrace;
    expect(pruned['x']).toEqual([1.9, 2.8, 5.2]);
    expect(pruned['y']).toEqual([0.4, 0.33, 0.2]);
    expect(pruned['text']).toEqual(['3 query layers', '2 query layers', '1 query layer']);
    expect(pruned['mode']).toBe('lines+markers');
    expect((senses[1] as PlotlyTrace)['mode']).toBe('markers');
    // scifact: the pruned row has no mrr@10, so only kale-kl is drawn there.
    const scifact = traces(fig.data, 'x2');
    expect(scifact.map((t) => [t['name'], t['yaxis'], t['x'], t['y']])).toEqual([
      ['kale-kl', 'y2', [2.7], [0.45]],
    ]);
  });

  it('draws methods without a speedup as a dashed reference level across the panel', () => {
    const bm25 = traces(fig.data, 'x')[0] as PlotlyTrace;
    expect(bm25['x']).toEqual([1, 5.2]);
    expect(bm25['y']).toEqual([0.3, 0.3]);
    expect((bm25['line'] as { dash: string }).dash).toBe('dash');
  });

  it('lays panels side by side with titles, one legend entry per method, same colour everywhere', () => {
    const layout = fig.layout as Record<string, { domain: number[]; anchor: string }>;
    expect(layout['xaxis']?.domain[0]).toBe(0);
    expect(layout['xaxis2']?.domain[1]).toBeCloseTo(1, 12);
    expect((layout['xaxis']?.domain[1] ?? 0) < (layout['xaxis2']?.domain[0] ?? 0)).toBe(true);
    expect(layout['yaxis2']?.anchor).toBe('x2');
    const titles = (fig.layout['annotations'] as { text: string }[]).map((a) => a.text);
    expect(titles).toEqual(['<b>senses</b>', '<b>scifact</b>']);
    const legend = fig.data.filter((t) => t['showlegend'] === true).map((t) => t['name']);
    expect(legend).toEqual(['bm25', 'full', 'pruned', 'kale-kl']);
    const colours = new Map(
      fig.data.map((t) => [t['name'], (t['line'] as { color: string }).color]),
    );
    expect(colours.get('pruned')).toBe('#2ca02c');
  });

  it('wraps panels into rows and filters methods', () => {
    const many = ['a', 'b', 'c', 'd'].map((dataset) => ({
      dataset,
      method: 'm',
      speedup: 2,
      metrics: { x: 1 },
    }));
    const grid = speedupQualityFigure(many, { metric: 'x', columns: 2, methods: ['m'] });
    const l = grid.layout as Record<string, { domain: number[] }>;
    expect(l['yaxis']?.domain[1]).toBe(1);
    expect(l['yaxis3']?.domain[1]).toBeLessThan(l['yaxis']?.domain[0] ?? 0);
    expect(l['xaxis3']?.domain[0]).toBe(0);
    expect(speedupQualityFigure(ROWS, { metric: 'mrr@10', methods: ['full'] }).data).toHaveLength(
      1,
    );
  });

  it('names the metrics present when the metric is unknown', () => {
    expect(() => speedupQualityFigure(ROWS, { metric: 'map' })).toThrow(
      /"map".*\["mrr@10","ndcg@10"\]/,
    );
  });
});

describe('lossCurveFigure', () => {
  it('takes {step, loss} points or plain losses, one line each', () => {
    const fig = lossCurveFigure(
      {
        train: [3, 2, 1],
        dev: [
          { step: 10, loss: 2.5 },
          { step: 20, loss: 1.5 },
        ],
      },
      { logY: true },
    );
    expect(fig.data.map((t) => [t['name'], t['x'], t['y']])).toEqual([
      ['train', [0, 1, 2], [3, 2, 1]],
      ['dev', [10, 20], [2.5, 1.5]],
    ]);
    expect((fig.layout['yaxis'] as { type: string }).type).toBe('log');
    expect(() => lossCurveFigure({ t: [1, NaN] })).toThrow(/"t"\[1\].loss.*null/);
  });
});

describe('histogramFigure', () => {
  it('counts each series in shared bins (one per integer when the range is small)', () => {
    const fig = histogramFigure({ q: [1, 2, 2, 3], d: [3, 3, 5] }, { bins: 10 });
    const [q, d] = fig.data as [PlotlyTrace, PlotlyTrace];
    expect(q['x']).toEqual([1, 2, 3, 4, 5]);
    expect(q['y']).toEqual([1, 2, 1, 0, 0]);
    expect(d['y']).toEqual([0, 0, 2, 0, 1]);
    expect(q['width']).toBe(1);
  });
  it('splits [min, max] into equal bins, the maximum in the last; normalizes on request', () => {
    const fig = histogramFigure([0, 0.5, 1, 2, 4], { bins: 4, normalized: true });
    const t = fig.data[0] as PlotlyTrace;
    expect(t['x']).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(t['y']).toEqual([0.4, 0.2, 0.2, 0.2]); // [0,1): 0, 0.5 · [1,2): 1 · [2,3): 2 · [3,4]: 4
    expect(binCounts([0, 4], 0, 1, 4)).toEqual([1, 0, 0, 1]);
    expect(() => histogramFigure([1, Infinity])).toThrow(/\[1\]/);
  });
});

describe('layerMapFigure', () => {
  it('marks kept layers with their new index, one row per depth', () => {
    const fig = layerMapFigure(6, { 2: [0, 5], 3: [0, 2, 5] });
    const t = fig.data[0] as PlotlyTrace;
    expect(t['y']).toEqual(['2 layers', '3 layers']);
    expect(t['z']).toEqual([
      [1, 0, 0, 0, 0, 1],
      [1, 0, 1, 0, 0, 1],
    ]);
    expect((t['text'] as string[][])[1]).toEqual(['→0', '', '→1', '', '', '→2']);
    expect(t['x']).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('rejects layers out of range or out of order, naming the map', () => {
    expect(() => layerMapFigure(4, { a: [0, 4] })).toThrow(/map "a" position 1: layer 4/);
    expect(() => layerMapFigure(4, new Map([[2, [3, 1]]]))).toThrow(
      /map "2" must be strictly increasing/,
    );
  });
});

describe('barFigure', () => {
  it('groups bars by the colour column, from rows or an arquero table', () => {
    const rows = [
      { m: 'kl', loss: 0.6, d: 'a' },
      { m: 'mse', loss: 0.4, d: 'a' },
      { m: 'kl', loss: 0.7, d: 'b' },
    ];
    for (const input of [rows, aq.from(rows)]) {
      const fig = barFigure(input, { x: 'm', y: 'loss', color: 'd' });
      expect(fig.data.map((t) => [t['name'], t['x'], t['y']])).toEqual([
        ['a', ['kl', 'mse'], [0.6, 0.4]],
        ['b', ['kl'], [0.7]],
      ]);
    }
    expect(() => barFigure([{ m: 'x' }], { x: 'm', y: 'v' })).toThrow(/row 0 has no field "v"/);
    expect(() => barFigure([{ m: 'x', v: 'high' }], { x: 'm', y: 'v' })).toThrow(
      /row 0 field "v".*"high"/,
    );
  });
});
