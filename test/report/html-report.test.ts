import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { chromium, type Browser } from 'playwright-core';
import { reportHtml, writeHtmlReport, type HtmlReport } from '../../src/report/html-report.js';
import { layerMapFigure, lossCurveFigure, speedupQualityFigure } from '../../src/report/figure.js';
import { useTempDir, withTempDir } from '../temp-dir.js';

const CHROMIUM = process.env['KALELAB_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ROWS = [1, 2, 3, 6].flatMap((layers) => [
  {
    dataset: 'wordnet-senses',
    method: 'pruned',
    queryLayers: layers,
    speedup: 6 / layers,
    metrics: { 'mrr@10': 0.1 * layers },
  },
  {
    dataset: 'wordnet-senses',
    method: 'kale-kl',
    queryLayers: layers,
    speedup: 6 / layers,
    metrics: { 'mrr@10': 0.3 + 0.05 * layers },
  },
  {
    dataset: 'scifact',
    method: 'pruned',
    queryLayers: layers,
    speedup: 6 / layers,
    metrics: { 'mrr@10': 0.05 * layers },
  },
]);

const REPORT: HtmlReport = {
  title: 'kalelab <walkthrough>',
  subtitle: 'backend wasm',
  sections: [
    {
      heading: 'Results',
      text: 'First paragraph with <b>markup</b>.\n\nSecond paragraph.',
      table: aq.from(
        ROWS.map((r) => ({
          dataset: r.dataset,
          method: r.method,
          layers: r.queryLayers,
          mrr: r.metrics['mrr@10'],
        })),
      ),
      tableOptions: { pageSize: 5 },
    },
    { heading: 'Speedup versus quality', figure: speedupQualityFigure(ROWS, { metric: 'mrr@10' }) },
    {
      heading: 'Layers and loss',
      figures: [
        layerMapFigure(12, { 2: [0, 11], 3: [0, 5, 11] }),
        lossCurveFigure({ kl: [3, 2, 1.5] }),
      ],
    },
  ],
};

describe('reportHtml / writeHtmlReport', () => {
  it('writes one document with escaped text, plotly.js once and every section', () => {
    const html = reportHtml(REPORT);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>kalelab &lt;walkthrough&gt;</title>');
    expect(html).toContain(
      '<p>First paragraph with &lt;b&gt;markup&lt;/b&gt;.</p>\n<p>Second paragraph.</p>',
    );
    expect(html.match(/class="kalelab-plotly-library"/g)).toHaveLength(1);
    expect(html.match(/<div class="kalelab-figure"/g)).toHaveLength(3);
    expect(html.match(/<div class="kalelab-table"/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(reportHtml({ title: 't', sections: [{ heading: 'h', text: 'x' }] })).not.toContain(
      'kalelab-plotly-library',
    );
  });

  it('replaces the file atomically, leaving no temporary files', async () => {
    await withTempDir('report', async (dir) => {
      const path = join(dir, 'report.html');
      await writeHtmlReport(path, { title: 'old', sections: [] });
      await writeHtmlReport(path, REPORT);
      expect(await readdir(dir)).toEqual(['report.html']);
      const written = await readFile(path, 'utf8');
      expect(written).toContain('<h1>kalelab &lt;walkthrough&gt;</h1>');
      expect(written).not.toContain('<h1>old</h1>');
      expect(written.length).toBeGreaterThan(4_000_000); // plotly.js is inside
    });
  });
});

describe('report.html in headless Chromium', () => {
  let browser: Browser | undefined;
  const dir = useTempDir('report');

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart offline and the table sorts and pages', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: the report test needs it. ` +
          `Install it with "apt-get install -y chromium" (or set KALELAB_CHROMIUM to a Chromium binary).`,
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const path = join(dir(), 'report.html');
    await writeHtmlReport(path, REPORT);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto('file://' + path);
    const figures = page.locator('.kalelab-figure');
    expect(await figures.count()).toBe(3);
    const drawn: { lines: number; points: number; heatmaps: number; area: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const figure = figures.nth(i);
      await figure.locator('.main-svg').first().waitFor({ timeout: 30_000 });
      const box = await figure.boundingBox();
      drawn.push({
        lines: await figure.locator('.scatterlayer .trace path.js-line').count(),
        points: await figure.locator('.scatterlayer .point').count(),
        heatmaps: await figure.locator('.hm image').count(),
        area: (box?.width ?? 0) * (box?.height ?? 0),
      });
    }
    // speedup chart: 3 lines (2 panels), 12 points; layer map: one heatmap; loss: one line.
    expect(drawn.map((d) => [d.lines, d.points, d.heatmaps])).toEqual([
      [3, 12, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    for (const d of drawn) expect(d.area).toBeGreaterThan(300 * 200);
    const titles = await page.locator('.kalelab-figure .annotation-text').allTextContents();
    expect(titles).toEqual(['wordnet-senses', 'scifact']);

    const visibleMrr = () =>
      page.locator('.kalelab-table tbody tr:visible td:nth-child(4)').allTextContents();
    expect(await page.locator('.kt-info').textContent()).toBe('1–5 of 12 rows');
    await page.locator('th', { hasText: 'mrr' }).click();
    expect(await visibleMrr()).toEqual(['0.050', '0.100', '0.100', '0.150', '0.200']);
    await page.locator('th', { hasText: 'mrr' }).click();
    expect((await visibleMrr())[0]).toBe('0.600');
    await page.locator('.kt-pager button[data-p="last"]').click();
    expect(await page.locator('.kt-info').textContent()).toBe('11–12 of 12 rows');

    const shot = join(tmpdir(), 'kalelab-report-test.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.close();
  });
});
