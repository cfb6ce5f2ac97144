import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { sortedDeltaFigure } from '../../src/report/index.js';

describe('sortedDeltaFigure', () => {
  it('draws one ascending line per system over the share of queries', () => {
    const rows = aq.from([
      { system: 'kale', query: 'a', delta: 0.5 },
      { system: 'kale', query: 'b', delta: -0.25 },
      { system: 'kale', query: 'c', delta: 0 },
      { system: 'pruned', query: 'a', delta: -1 },
      { system: 'pruned', query: 'b', delta: 0.2 },
    ]);
    const fig = sortedDeltaFigure(rows, { title: 'Δ MRR@10 against full' });
    expect(fig.data.map((t) => t['name'])).toEqual(['kale', 'pruned']);
    expect(fig.data[0]!['y']).toEqual([-0.25, 0, 0.5]);
    expect(fig.data[0]!['x']).toEqual([0, 0.5, 1]);
    expect(fig.data[1]!['y']).toEqual([-1, 0.2]);
    expect(fig.layout['title']).toEqual({ text: 'Δ MRR@10 against full' });
  });

  it('names a row without a system or a finite delta', () => {
    expect(() => sortedDeltaFigure([{ delta: 1 }])).toThrow(
      /row 0 needs fields "system" and "delta"/,
    );
    expect(() => sortedDeltaFigure([{ system: 'a', delta: NaN }])).toThrow(/row 0 field "delta"/);
  });
});
