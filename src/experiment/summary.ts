/**
 * Results rows as flat table rows (for the terminal, report.html and notebooks), the
 * plain-text table `kalelab walkthrough` prints, and the report's sections. Each row's
 * comparison shows as `vs` (the row compared with), `Δ` (main metric), `p` and `sig` ("*" at
 * p < 0.05), so a difference that may be noise reads as such.
 */
import type { ResultRow } from '../data/types.js';
import { speedupQualityFigure, type ReportSection } from '../report/index.js';
import { isSignificant, SIGNIFICANCE_ALPHA } from './row-comparison.js';
import {
  describeEffects,
  formatPValue,
  gridEffects,
  rowLabel,
  type Effect,
} from './significance.js';

/** One flat record per row: metrics as columns, latency and compute after them. */
export function flatRows(
  rows: readonly ResultRow[],
): Array<Record<string, string | number | null>> {
  const metricNames = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))];
  const fullGflops = new Map(
    rows.filter((r) => r.method === 'full').map((r) => [r.dataset, r.computeGflops]),
  );
  // Training or alignment compute as a share of the full model's training (FLOPs).
  const share = (r: ResultRow): string | null => {
    const full = fullGflops.get(r.dataset);
    if (!r.computeGflops || !full) return null;
    return `${((100 * r.computeGflops) / full).toFixed(1)}%`;
  };
  return rows.map((r) => ({
    dataset: r.dataset,
    method: r.method,
    'q/p layers': r.method === 'bm25' ? '-' : `${r.queryLayers}/${r.passageLayers}`,
    ...Object.fromEntries(metricNames.map((m) => [m, r.metrics[m] ?? null])),
    'ms (b=1)': r.latencyMs?.batch1 ?? null,
    'ms (b=32)': r.latencyMs?.batch32 ?? null,
    speedup: r.speedup,
    'speedup int8': r.speedupInt8 ?? null,
    'tfjs ms (b=1)': r.latencyMs?.tfjsBatch1 ?? null,
    recovery: r.recovery,
    steps: r.trainSteps,
    'compute s': r.computeSeconds,
    GFLOP: r.computeGflops ?? null,
    'of full': share(r),
    vs: r.comparison ? rowLabel(r.comparison.against, r.comparison.againstQueryLayers) : null,
    Δ: r.comparison?.delta ?? null,
    p: r.comparison?.pValue ?? null,
    sig: r.comparison ? (isSignificant(r.comparison) ? '*' : '') : null,
  }));
}

/** A fixed-width text table of `rows` (numbers to 3 decimals, '-' for null). */
export function formatResultsTable(
  rows: readonly ResultRow[],
  metrics?: readonly string[],
): string {
  const flat = flatRows(rows);
  if (flat.length === 0) return '(no rows)';
  const keep = (key: string) =>
    metrics === undefined ||
    !rows.some((r) => Object.hasOwn(r.metrics, key)) ||
    metrics.includes(key);
  const columns = Object.keys(flat[0]!).filter(keep);
  const cell = (v: unknown, column: string) =>
    v === null || v === undefined
      ? '-'
      : column === 'p' && typeof v === 'number'
        ? formatPValue(v)
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? String(v)
            : v.toFixed(3)
          : String(v);
  // Spell out what the marker means under the table, once.
  const note = rows.some((r) => r.comparison)
    ? `\nsig: * = p < ${SIGNIFICANCE_ALPHA} (paired randomization test on the main metric against "vs")`
    : '';
  const table = [columns, ...flat.map((r) => columns.map((c) => cell(r[c], c)))];
  const widths = columns.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
  return table
    .map((line, li) => {
      const text = line
        .map((v, i) => (i < 3 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
        .join('  ');
      return li === 0 ? `${text}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : text;
    })
    .join('\n')
    .concat(note);
}

/** The report's sections for `rows`: per dataset a table and the speedup-quality chart. */
export function reportSections(
  rows: readonly ResultRow[],
  mainMetrics: Readonly<Record<string, string>>,
  extraEffects: readonly Effect[] = [],
): ReportSection[] {
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  const sections: ReportSection[] = [];
  for (const dataset of datasets) {
    const own = rows.filter((r) => r.dataset === dataset);
    const metric = mainMetrics[dataset] ?? Object.keys(own[0]!.metrics)[0]!;
    sections.push({
      heading: `${dataset}: quality against query-encoder speedup`,
      text:
        `Main metric ${metric} on the test split. Speedup is the full model's query-encoder ` +
        `latency at batch 1 divided by each model's, on the serving engine (ONNX Runtime fp32 ` +
        `where installed; tfjs's figure in its own column); speedup int8 is the full model's fp32 ` +
        `latency over each encoder's ONNX Runtime int8 latency. Recovery is the share of the quality that ` +
        `pruning lost which alignment won back: (aligned − pruned) / (full − pruned). ` +
        `Δ and p compare each row with the row in "vs" on ${metric}; marked rows differ at ` +
        `p < ${SIGNIFICANCE_ALPHA}.` +
        significanceText(own, extraEffects),
      table: flatRows(own),
      tableOptions: {
        pageSize: 0,
        columnDigits: { p: 4 },
        mark: { column: 'p', below: SIGNIFICANCE_ALPHA, cells: ['Δ', 'sig', 'vs'] },
      },
      figure: speedupQualityFigure(own, { metric, title: `${dataset}: ${metric} vs speedup` }),
    });
  }
  return sections;
}

/** The summary of which effects hold, as a paragraph after the section's text (or nothing). */
function significanceText(rows: readonly ResultRow[], extra: readonly Effect[]): string {
  const dataset = rows[0]?.dataset;
  const effects = [...gridEffects(rows), ...extra.filter((e) => e.dataset === dataset)];
  return effects.length === 0 ? '' : `\n\n${describeEffects(effects)}`;
}
