import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  inNotebook,
  liveDisplay,
  mimeBundle,
  NOTEBOOK_COMPLETE,
  PLOTLY_MIME,
  show,
} from '../../src/report/display.js';
import { lossCurveFigure } from '../../src/report/figure.js';

interface Sent {
  data: Record<string, unknown>;
  transient: { display_id?: string };
  update: boolean;
}

const FIG = lossCurveFigure({ train: [2, 1] }, { title: 'loss' });

describe('show outside a notebook', () => {
  it('returns self-contained HTML for figures and tables', () => {
    expect(inNotebook()).toBe(false);
    const fig = show(FIG) as string;
    expect(fig).toContain('class="kalelab-plotly-library"');
    expect(fig).toContain('class="kalelab-figure"');
    const table = show([{ a: 1.23456 }]) as string;
    expect(table).toContain('<td class="num" data-v="1.23456">1.235</td>');
    expect(liveDisplay().update([{ a: 1 }])).toContain('<table>');
  });

  it('builds one bundle with the Plotly MIME type, an HTML fallback and text', () => {
    const bundle = mimeBundle(FIG, { library: 'none' });
    expect(Object.keys(bundle)).toEqual([PLOTLY_MIME, 'text/html', 'text/plain']);
    expect(bundle[PLOTLY_MIME]).toEqual({ data: FIG.data, layout: FIG.layout, config: FIG.config });
    expect(bundle['text/plain']).toBe('Plotly figure: 1 trace(s) — loss');
    expect(bundle['text/html']).not.toContain('kalelab-plotly-library');
    const table = mimeBundle([{ a: 1, b: 'x' }]);
    expect(Object.keys(table)).toEqual(['text/html', 'text/plain']);
    expect(table['text/plain']).toBe('a\tb\n1\tx');
    expect(NOTEBOOK_COMPLETE).toBe('kalelab: notebook complete');
  });
});

describe('show inside tslab', () => {
  it('sends plotly.js once, then one multi-MIME output per call; live displays update in place', () => {
    // Stand in for a running tslab kernel: its jupyter module, as loaded by the kernel.
    const require = createRequire(import.meta.url);
    const fake = '/fake/node_modules/tslab/dist/jupyter.js';
    const sent: Sent[] = [];
    const writer = (m: Omit<Sent, 'update'>, update: boolean): void =>
      void sent.push({ ...m, update });
    require.cache[fake] = { exports: { lastWriteDisplayData: writer } } as unknown as NodeJS.Module;
    try {
      expect(inNotebook()).toBe(true);
      expect(show([{ a: 1 }])).toBeUndefined();
      expect(show(FIG)).toBeUndefined();
      show(FIG);
      const live = liveDisplay();
      live.update(FIG);
      live.update(FIG);
      expect(sent.map((s) => Object.keys(s.data).join('+'))).toEqual([
        'text/html+text/plain', // the table
        'text/html+text/plain', // plotly.js, once
        `${PLOTLY_MIME}+text/html+text/plain`,
        `${PLOTLY_MIME}+text/html+text/plain`,
        `${PLOTLY_MIME}+text/html+text/plain`,
        `${PLOTLY_MIME}+text/html+text/plain`,
      ]);
      expect(sent[1]?.data['text/html']).toContain('class="kalelab-plotly-library"');
      expect(
        sent.filter((s) => String(s.data['text/html']).includes('kalelab-plotly-library')),
      ).toHaveLength(1);
      const [first, second] = sent.slice(4);
      expect(first?.transient.display_id).toMatch(/^[0-9a-f]{16}$/);
      expect(second?.transient.display_id).toBe(first?.transient.display_id);
      expect([first?.update, second?.update]).toEqual([false, true]);
    } finally {
      delete require.cache[fake];
    }
  });
});
