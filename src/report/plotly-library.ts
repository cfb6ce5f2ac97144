/**
 * plotly.js itself, read from the installed `plotly.js-dist-min` package (never a CDN: the
 * pages must work offline), as a <script> element that defines `window.Plotly` once.
 * It reads the file once per process and caches it; it does not minify or patch plotly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { scriptSource } from './escape.js';

let cached: string | undefined;

/** The plotly.js bundle's source (about 4.8 MB). */
export function plotlySource(): string {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    let path: string;
    try {
      path = require.resolve('plotly.js-dist-min');
    } catch (error) {
      throw new Error(
        `plotly.js-dist-min is not installed (npm ci installs it): ${(error as Error).message}`,
        { cause: error },
      );
    }
    cached = readFileSync(path, 'utf8');
  }
  return cached;
}

/** The version in the bundle's header ("4.1.2"), for reports. */
export function plotlyVersion(): string {
  return /plotly\.js v([\d.]+)/.exec(plotlySource().slice(0, 200))?.[1] ?? 'unknown';
}

/**
 * `<script>` that defines window.Plotly unless a previous copy already did, so a page may
 * hold it twice without running it twice.
 */
export function plotlyLibraryHtml(): string {
  return `<script class="kalelab-plotly-library">if(!window.Plotly){\n${scriptSource(plotlySource())}\n}</script>`;
}
