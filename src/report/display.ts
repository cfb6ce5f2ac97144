/**
 * Notebook display: `show(tableOrFigure)` makes a cell's output in one call.
 *
 * Under the tslab kernel it sends ONE Jupyter display_data output carrying several MIME
 * types — `application/vnd.plotly.v1+json` (JupyterLab's Plotly renderer), `text/html`
 * (a fallback with plotly.js embedded, used by exported HTML, VS Code, and JupyterLab
 * without the Plotly extension) and `text/plain`. tslab's public `display` sends one MIME
 * type per output, so this goes through the writer tslab itself uses for it
 * (`lastWriteDisplayData` of tslab/dist/jupyter.js, found among loaded modules); nothing is
 * loaded when tslab is not running.
 *
 * plotly.js (~4.8 MB) is embedded once per kernel session: before the first figure, a
 * separate output holds it. Re-running that first cell after other figures were shown
 * leaves later exports without it; restart the kernel and run all (as headless runs do).
 *
 * In plain Node (scripts, tests) nothing is displayed and the helpers return the HTML.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { isPlotlyFigure, type PlotlyFigure } from './figure-types.js';
import { figureHtml } from './figure-html.js';
import { plotlyLibraryHtml } from './plotly-library.js';
import { tableHtml, type TableInput, type TableOptions } from './table.js';
import { formatCell } from './format.js';

/** Plotly's own MIME type, rendered natively by JupyterLab (jupyterlab-plotly) and VS Code. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** The line the last cell of every notebook prints; scripts/run-notebooks.mjs checks for it. */
export const NOTEBOOK_COMPLETE = 'kalelab: notebook complete';

export type Showable = PlotlyFigure | TableInput;
export type ShowOptions = TableOptions;
export type MimeBundle = Readonly<Record<string, unknown>>;

interface DisplayMessage {
  readonly data: MimeBundle;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly transient: { readonly display_id?: string };
}
type KernelWriter = (message: DisplayMessage, update: boolean) => void;

/** tslab's display writer when this process is a running tslab kernel, else null. */
function kernelWriter(): KernelWriter | null {
  const require = createRequire(import.meta.url);
  for (const [path, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(path) || mod === undefined) continue;
    const writer = (mod.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof writer === 'function') return writer as KernelWriter;
  }
  return null;
}

/** True inside a tslab kernel (show() displays), false in plain Node (show() returns HTML). */
export function inNotebook(): boolean {
  return kernelWriter() !== null;
}

function plainTable(input: TableInput, options: ShowOptions): string {
  const rows = Array.isArray(input)
    ? (input as readonly Readonly<Record<string, unknown>>[]).slice(0, 10)
    : ((input as Exclude<TableInput, readonly unknown[]>).objects({ limit: 10 }) as Readonly<
        Record<string, unknown>
      >[]);
  const columns = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const format = { digits: options.digits ?? 3, maxChars: 40 };
  const lines = rows.map((r) => columns.map((c) => formatCell(r[c], format).text).join('\t'));
  return [columns.join('\t'), ...lines].join('\n');
}

/**
 * The MIME bundle that show() sends for `value`. `library` says whether the HTML fallback
 * embeds plotly.js (the kernel path sends it separately, once).
 */
export function mimeBundle(
  value: Showable,
  options: ShowOptions & { library?: 'inline' | 'none' } = {},
): MimeBundle {
  if (isPlotlyFigure(value)) {
    const title = (value.layout['title'] as { text?: string } | undefined)?.text;
    return {
      [PLOTLY_MIME]: { data: value.data, layout: value.layout, config: value.config ?? {} },
      'text/html': figureHtml(value, { library: options.library ?? 'inline' }),
      'text/plain': `Plotly figure: ${value.data.length} trace(s)${title !== undefined ? ` — ${title}` : ''}`,
    };
  }
  return { 'text/html': tableHtml(value, options), 'text/plain': plainTable(value, options) };
}

let librarySent = false;

function send(
  writer: KernelWriter,
  value: Showable,
  options: ShowOptions,
  displayId?: string,
  update = false,
): void {
  if (isPlotlyFigure(value) && !librarySent) {
    writer(
      { data: { 'text/html': plotlyLibraryHtml(), 'text/plain': '' }, metadata: {}, transient: {} },
      false,
    );
    librarySent = true;
  }
  const data = mimeBundle(value, { ...options, library: 'none' });
  writer(
    { data, metadata: {}, transient: displayId !== undefined ? { display_id: displayId } : {} },
    update,
  );
}

/**
 * Shows a table (arquero table or row objects) or a Plotly figure as the cell's output.
 * In a notebook it returns undefined (so tslab prints nothing more); in plain Node it
 * returns the self-contained HTML.
 */
export function show(value: Showable, options: ShowOptions = {}): string | undefined {
  const writer = kernelWriter();
  if (writer === null)
    return mimeBundle(value, { ...options, library: 'inline' })['text/html'] as string;
  send(writer, value, options);
  return undefined;
}

export interface LiveDisplay {
  /** Replaces this display's output in place (e.g. a loss curve every N steps). */
  update(value: Showable, options?: ShowOptions): string | undefined;
}

/**
 * One output that each update() replaces, for progress charts and tables. Update every
 * few steps, not every step: each update resends the figure's data.
 */
export function liveDisplay(): LiveDisplay {
  const displayId = randomBytes(8).toString('hex');
  let shown = false;
  return {
    update(value, options = {}) {
      const writer = kernelWriter();
      if (writer === null)
        return mimeBundle(value, { ...options, library: 'inline' })['text/html'] as string;
      send(writer, value, options, displayId, shown);
      shown = true;
      return undefined;
    },
  };
}

/** Prints NOTEBOOK_COMPLETE; the last cell of each notebook calls it so headless runs can tell it ran to the end. */
export function notebookComplete(): void {
  console.log(NOTEBOOK_COMPLETE);
}
