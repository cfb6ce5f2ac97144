/**
 * figureHtml: a PlotlyFigure as a self-contained HTML fragment — a <div> plus a script that
 * draws it with window.Plotly, and optionally plotly.js itself inlined. If plotly.js is
 * not on the page yet (it may come later in the document), the script waits for it for a
 * while, then says so in the div instead of failing silently. It draws nothing in Node.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml, jsonForScript } from './escape.js';
import type { PlotlyFigure } from './figure-types.js';
import { plotlyLibraryHtml } from './plotly-library.js';

export interface FigureHtmlOptions {
  /**
   * 'inline' (default): include plotly.js (~4.8 MB) in the fragment, so it stands alone.
   * 'none': assume the page includes it once (writeHtmlReport and show() do this).
   */
  readonly library?: 'inline' | 'none';
  /** Element id (default: random, so figures in one page never clash). */
  readonly id?: string;
  /** How long to wait for plotly.js to appear, in ms (default 20000). */
  readonly waitMs?: number;
}

/** Height in pixels that the div reserves before drawing: layout.height, else 420. */
function reservedHeight(figure: PlotlyFigure): number {
  const h = figure.layout['height'];
  return typeof h === 'number' && Number.isFinite(h) && h > 0 ? h : 420;
}

export function figureHtml(figure: PlotlyFigure, options: FigureHtmlOptions = {}): string {
  const id = options.id ?? `kf-${randomBytes(5).toString('hex')}`;
  const waitMs = options.waitMs ?? 20000;
  const spec = {
    data: figure.data,
    layout: figure.layout,
    config: figure.config ?? { responsive: true },
  };
  const library = (options.library ?? 'inline') === 'inline' ? plotlyLibraryHtml() : '';
  const draw = `(function(){var spec=${jsonForScript(spec)},id=${jsonForScript(id)},t0=Date.now();
function draw(){var el=document.getElementById(id);if(!el)return;
if(!window.Plotly){if(Date.now()-t0<${waitMs}){setTimeout(draw,50);}else{el.textContent='This chart needs plotly.js, which is not on this page: re-run the cell that first showed a chart, or render with library: "inline".';}return;}
el.style.minHeight='';window.Plotly.newPlot(el,spec.data,spec.layout,spec.config);}
draw();})();`;
  return (
    `${library}<div class="kalelab-figure" id="${escapeHtml(id)}" style="width:100%;min-height:${reservedHeight(figure)}px"></div>` +
    `<script>${draw}</script>`
  );
}
