/**
 * `kalelab dataset --dataset KIND:PATH [--json]`: loads a dataset, validates it and prints
 * its summary (documents; per split queries, qrels pairs, relevant docs per query, length
 * percentiles in words) as a table, or as JSON with --json. Thin: the library does the work.
 */
import type { Command } from 'commander';
import { basicTokenize } from '../../text/index.js';
import {
  loadDataset,
  summarizeDataset,
  summaryRows,
  type LoadIssue,
  type SummaryRow,
} from '../../data/index.js';
import { defaultProgress } from '../../util/index.js';

interface DatasetCliOptions {
  readonly dataset: string;
  readonly json?: boolean;
  readonly strict?: boolean;
  readonly skipBadLines?: boolean;
}

const COLUMNS: ReadonlyArray<readonly [keyof SummaryRow, string]> = [
  ['part', 'part'],
  ['items', 'docs/queries'],
  ['qrels', 'qrels'],
  ['relPerQuery', 'rel/query'],
  ['wordsMean', 'words mean'],
  ['wordsP50', 'p50'],
  ['wordsP90', 'p90'],
  ['wordsP99', 'p99'],
  ['wordsMax', 'max'],
  ['hardNegatives', 'hard neg/query'],
];

/** Right-aligned columns (left for the first), a rule under the header. */
function formatTable(rows: readonly SummaryRow[]): string {
  const cells = [
    COLUMNS.map(([, title]) => title),
    ...rows.map((row) => COLUMNS.map(([key]) => (row[key] === null ? '-' : String(row[key])))),
  ];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [
    line(cells[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

function formatIssue(issue: LoadIssue): string {
  return `  ${issue.message}`;
}

export function registerDataset(program: Command): void {
  program
    .command('dataset')
    .description('load a dataset, validate it and print its summary')
    .requiredOption(
      '--dataset <spec>',
      'KIND:PATH (wordnet-senses | wordnet-definitions | beir | dpr | msmarco); ' +
        'for wordnet kinds PATH is empty (full), quick, full, and/or key=value options',
    )
    .option('--json', 'print the summary as JSON')
    .option('--strict', 'fail on qrels naming unknown queries or documents (default: count them)')
    .option('--skip-bad-lines', 'skip and count malformed lines (default: fail on the first)')
    .action(async (opts: DatasetCliOptions) => {
      const started = performance.now();
      const dataset = await loadDataset(opts.dataset, {
        unknownIds: opts.strict ? 'error' : 'count',
        badLines: opts.skipBadLines ? 'count' : 'error',
        progress: defaultProgress(),
      });
      const loadSeconds = (performance.now() - started) / 1000;
      // Tokens = BERT basic tokens (words and punctuation, before WordPiece splits words).
      const summary = summarizeDataset(dataset, { countTokens: (t) => basicTokenize(t).length });
      const issues = dataset.report?.issues ?? [];
      if (opts.json) {
        process.stdout.write(
          JSON.stringify({ spec: opts.dataset, ...summary, loadSeconds, issues }, null, 2) + '\n',
        );
        return;
      }
      const out: string[] = [
        `${summary.name}  (${opts.dataset})  main metric ${summary.mainMetric}  loaded in ${loadSeconds.toFixed(2)} s`,
        '',
        formatTable(summaryRows(summary)),
        '',
        'lengths in words (letters/digits runs); --json adds BERT basic-token lengths (queryTokens, docTokens)',
      ];
      if (summary.load) {
        const skipped = Object.entries(summary.load.skipped);
        out.push(
          `lines read: ${summary.load.linesRead}; skipped: ${
            skipped.length ? skipped.map(([k, n]) => `${k} ${n}`).join(', ') : 'none'
          }`,
        );
      }
      if (issues.length > 0) {
        out.push(`first ${Math.min(10, issues.length)} of ${issues.length} issues kept:`);
        out.push(...issues.slice(0, 10).map(formatIssue));
      }
      process.stdout.write(out.join('\n') + '\n');
    });
}
