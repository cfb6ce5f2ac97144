/**
 * A comparison as text for people: a plain table for the terminal, Markdown, or a LaTeX
 * tabular. One row per metric and system; significant differences are marked (`*` in text
 * and Markdown, a dagger in LaTeX) and the header says the test, correction, alpha and
 * baseline, with the notes on query coverage below. JSON needs no formatter here.
 */
import type { Comparison, ComparisonRow } from './compare-runs.js';

const TEST_LABEL: Readonly<Record<string, string>> = Object.freeze({
  'paired-t': 'paired t-test',
  wilcoxon: 'Wilcoxon signed-rank test',
  randomization: 'paired randomization test',
});

function header(c: Comparison): string {
  const correction =
    c.correction === 'none' ? 'no correction' : `${c.correction} correction per metric`;
  return `${c.queries} queries; ${TEST_LABEL[c.test]}, ${correction}, alpha ${c.alpha}; baseline: ${c.baseline}`;
}

function signed(x: number): string {
  return (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(4);
}

function pText(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

const COLUMNS = ['metric', 'system', 'mean', 'delta', '95% CI', 'p', 'p adj.', 'sig.', 'W/T/L'];

function cells(r: ComparisonRow, baseline: string): string[] {
  if (r.system === baseline && r.pValue === null) {
    return [r.metric, r.system, r.mean.toFixed(4), 'baseline', '', '', '', '', ''];
  }
  const ci = r.ci95 ? `[${signed(r.ci95[0])}, ${signed(r.ci95[1])}]` : '';
  return [
    r.metric,
    r.system,
    r.mean.toFixed(4),
    signed(r.delta),
    ci,
    pText(r.pValue!),
    pText(r.pAdjusted!),
    r.significant ? '*' : '',
    `${r.wins}/${r.ties}/${r.losses}`,
  ];
}

/** A fixed-width table for the terminal. */
export function formatComparisonText(c: Comparison): string {
  const table = [COLUMNS, ...c.rows.map((r) => cells(r, c.baseline))];
  const widths = COLUMNS.map((_, j) => Math.max(...table.map((row) => row[j]!.length)));
  const lines = table.map((row) =>
    row
      .map((cell, j) => (j >= 2 && j !== 7 ? cell.padStart(widths[j]!) : cell.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return (
    [
      header(c),
      '',
      ...lines,
      '',
      `* significant at alpha ${c.alpha} after correction`,
      ...c.notes.map((n) => `note: ${n}`),
    ].join('\n') + '\n'
  );
}

/** A Markdown pipe table with the header and notes as text around it. */
export function formatComparisonMarkdown(c: Comparison): string {
  const row = (xs: string[]): string => `| ${xs.join(' | ')} |`;
  const lines = [
    `**${header(c)}**`,
    '',
    row(COLUMNS),
    row(COLUMNS.map((_, j) => (j >= 2 && j !== 7 ? '---:' : '---'))),
    ...c.rows.map((r) => row(cells(r, c.baseline))),
    '',
    `\\* significant at alpha ${c.alpha} after correction.`,
    ...c.notes.map((n) => `- ${n}`),
  ];
  return lines.join('\n') + '\n';
}

function latexEscape(text: string): string {
  return text.replace(/[\\{}&%$#_^~]/g, (ch) =>
    ch === '\\' ? '\\textbackslash{}' : ch === '^' ? '\\^{}' : ch === '~' ? '\\~{}' : `\\${ch}`,
  );
}

/**
 * A LaTeX tabular (booktabs): systems as rows, metrics as columns, each cell the mean with a
 * dagger when it differs significantly from the baseline.
 */
export function formatComparisonLatex(c: Comparison): string {
  const systems = [...new Set(c.rows.map((r) => r.system))];
  const byKey = new Map(c.rows.map((r) => [`${r.system}\u0000${r.metric}`, r]));
  const lines = [
    `% ${header(c)}`,
    `\\begin{tabular}{l${'r'.repeat(c.metrics.length)}}`,
    '\\toprule',
    `System & ${c.metrics.map(latexEscape).join(' & ')} \\\\`,
    '\\midrule',
    ...systems.map((s) => {
      const values = c.metrics.map((m) => {
        const r = byKey.get(`${s}\u0000${m}`)!;
        return r.mean.toFixed(4) + (r.significant ? '$^\\dagger$' : '');
      });
      return `${latexEscape(s)}${s === c.baseline ? ' (baseline)' : ''} & ${values.join(' & ')} \\\\`;
    }),
    '\\bottomrule',
    '\\end{tabular}',
    `% $^\\dagger$ significant at alpha ${c.alpha} (${TEST_LABEL[c.test]}, ${c.correction} correction)`,
  ];
  return lines.join('\n') + '\n';
}
