import { describe, expect, it } from 'vitest';
import { figureHtml } from '../../src/report/figure-html.js';
import { plotlyLibraryHtml, plotlyVersion } from '../../src/report/plotly-library.js';
import { jsonForScript, scriptSource } from '../../src/report/escape.js';
import type { PlotlyFigure } from '../../src/report/figure-types.js';

const FIG: PlotlyFigure = {
  data: [{ type: 'scatter', x: [1, 2], y: [3, 4], name: '</script><b>x</b>' }],
  layout: { title: { text: 'A & B' }, height: 300 },
};

/** src attributes of all <script> tags. */
function scriptSrcs(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']?([^"' >]+)/gi)].map(
    (m) => m[1] as string,
  );
}

describe('figureHtml', () => {
  it('embeds plotly.js from the installed package, never a script src', () => {
    const html = figureHtml(FIG, { id: 'f1' });
    expect(plotlyVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(html).toContain(`plotly.js v${plotlyVersion()}`);
    expect(html.length).toBeGreaterThan(1_000_000);
    expect(scriptSrcs(html)).toEqual([]);
    expect(html).not.toMatch(/<script[^>]+https?:/i);
    expect(html).toContain(
      '<div class="kalelab-figure" id="f1" style="width:100%;min-height:300px"></div>',
    );
  });

  it('leaves the library out with library: "none" and waits for window.Plotly instead', () => {
    const html = figureHtml(FIG, { id: 'f2', library: 'none', waitMs: 500 });
    expect(html.length).toBeLessThan(2000);
    expect(html).toContain('if(!window.Plotly){if(Date.now()-t0<500)');
    expect(html).toContain('window.Plotly.newPlot(el,spec.data,spec.layout,spec.config)');
  });

  it('keeps the spec inside its script: no raw </script> or & from the data', () => {
    const html = figureHtml(FIG, { id: 'f3', library: 'none' });
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('"name":"\\u003c/script\\u003e\\u003cb\\u003ex\\u003c/b\\u003e"');
    expect(html).toContain('"text":"A \\u0026 B"');
    const spec = /var spec=(.*?),id=/.exec(html)?.[1] as string;
    expect(JSON.parse(spec)).toEqual({
      data: FIG.data,
      layout: FIG.layout,
      config: { responsive: true },
    });
  });

  it('escapes only what would end a script in the inlined library', () => {
    expect(scriptSource('a="</script>";b="<!--"')).toBe('a="<\\/script>";b="<\\!--"');
    expect(jsonForScript({ s: '<!--\u2028' })).toBe('{"s":"\\u003c!--\\u2028"}');
    const lib = plotlyLibraryHtml();
    expect(lib.startsWith('<script class="kalelab-plotly-library">if(!window.Plotly){')).toBe(true);
    expect(lib.slice(0, -'</script>'.length)).not.toMatch(/<\/script/i);
  });
});
