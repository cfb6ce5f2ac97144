/**
 * A self-contained, offline report.html: a title, then sections of prose, tables
 * (tableHtml) and charts (figureHtml), with plotly.js embedded once in the page head.
 * `kalelab walkthrough` writes one next to results.json. It formats what it is given; it
 * computes no results.
 */
import { writeFileAtomic } from '../util/files.js';
import { escapeHtml } from './escape.js';
import { figureHtml } from './figure-html.js';
import type { PlotlyFigure } from './figure-types.js';
import { plotlyLibraryHtml, plotlyVersion } from './plotly-library.js';
import { tableHtml, type TableInput, type TableOptions } from './table.js';

export interface ReportSection {
  readonly heading: string;
  /** Plain text; blank lines separate paragraphs (it is escaped, not parsed as HTML or Markdown). */
  readonly text?: string;
  readonly table?: TableInput;
  readonly tableOptions?: TableOptions;
  readonly figure?: PlotlyFigure;
  /** More charts after `figure`, in order. */
  readonly figures?: readonly PlotlyFigure[];
}

export interface HtmlReport {
  readonly title: string;
  /** One line under the title, e.g. backend and date. */
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
}

const PAGE_CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;max-width:1100px;margin:2em auto;padding:0 1em}
h1{font-size:1.7em;margin-bottom:0.1em}
.subtitle{color:#666;margin-top:0}
section{margin:2em 0}
h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:0.2em}
footer{color:#888;font-size:0.85em;margin-top:3em}
`;

function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
}

/** The report as one HTML document (string). */
export function reportHtml(report: HtmlReport): string {
  const charts = report.sections.some(
    (s) => s.figure !== undefined || (s.figures?.length ?? 0) > 0,
  );
  const body = report.sections
    .map((section) => {
      const parts = [`<h2>${escapeHtml(section.heading)}</h2>`];
      if (section.text !== undefined) parts.push(paragraphs(section.text));
      if (section.table !== undefined) parts.push(tableHtml(section.table, section.tableOptions));
      for (const figure of [
        ...(section.figure ? [section.figure] : []),
        ...(section.figures ?? []),
      ]) {
        parts.push(figureHtml(figure, { library: 'none' }));
      }
      return `<section>\n${parts.join('\n')}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${PAGE_CSS}</style>
${charts ? plotlyLibraryHtml() : ''}
</head>
<body>
<h1>${escapeHtml(report.title)}</h1>
${report.subtitle !== undefined ? `<p class="subtitle">${escapeHtml(report.subtitle)}</p>` : ''}
${body}
<footer>Written by kalelab${charts ? ` · charts by plotly.js ${escapeHtml(plotlyVersion())}, embedded (works offline)` : ''}.</footer>
</body>
</html>
`;
}

/** Writes reportHtml(report) to `path` atomically (temporary file, then rename). */
export async function writeHtmlReport(path: string, report: HtmlReport): Promise<void> {
  await writeFileAtomic(path, reportHtml(report));
}
