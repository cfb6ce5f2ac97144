/**
 * `kalelab compare --qrels FILE --run [NAME=]FILE ... [--baseline NAME] [--metrics LIST]
 * [--test paired-t|wilcoxon|randomization] [--correction holm|bonferroni|bh|none]
 * [--alpha 0.05] [--json|--markdown|--latex]`: reads the qrels and runs (TREC, .gz or JSON),
 * compares every run with the baseline (the first unless --baseline) and prints a table with
 * significance marked, or with --json the contract's shape (DESIGN.md). The notes on query
 * coverage go below the table, or to stderr with --json so stdout stays one JSON document.
 * No math here: eval/compare does it.
 */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { ALLOWED_METRICS } from '../../eval/metric-names.js';
import { readTrecQrels } from '../../eval/trec.js';
import {
  CORRECTIONS,
  DEFAULT_COMPARE,
  TESTS,
  formatComparisonLatex,
  formatComparisonMarkdown,
  formatComparisonText,
  parseCorrection,
  parseTest,
  readRunFile,
  runComparison,
  type Comparison,
} from '../../eval/compare/index.js';
import type { Run } from '../../data/types.js';

export interface CompareArgs {
  readonly qrels: string;
  /** `NAME=FILE` or `FILE` (named after the file, extensions dropped). */
  readonly run: readonly string[];
  readonly baseline?: string;
  readonly metrics?: string;
  readonly test?: string;
  readonly correction?: string;
  readonly alpha?: string;
  readonly permutations?: string;
  readonly seed?: string;
  readonly json?: boolean;
  readonly markdown?: boolean;
  readonly latex?: boolean;
}

/** NAME=FILE → [NAME, FILE]; a bare FILE is named by its base name without .gz/.txt/.trec/.run/.json. */
export function parseRunSpec(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  if (eq > 0) return [spec.slice(0, eq), spec.slice(eq + 1)];
  if (eq === 0) throw new Error(`--run "${spec}": the name before "=" is empty`);
  const name = basename(spec)
    .replace(/(\.gz)?$/i, '')
    .replace(/\.(txt|trec|run|tsv|json)$/i, '');
  return [name, spec];
}

function parseNumber(
  option: string,
  text: string | undefined,
  integer: boolean,
): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new Error(`${option} "${text}" is not ${integer ? 'an integer' : 'a number'}`);
  }
  return x;
}

/** The JSON document of the contract: the comparison without its notes. */
export function comparisonJson(c: Comparison): string {
  const { notes: _notes, ...rest } = c;
  return JSON.stringify(rest, null, 2) + '\n';
}

/** Runs the command; returns stdout's text and the notes for stderr. */
export async function compare(args: CompareArgs): Promise<{ stdout: string; stderr: string }> {
  const formats = [args.json, args.markdown, args.latex].filter(Boolean).length;
  if (formats > 1) throw new Error('give at most one of --json, --markdown, --latex');
  if (args.run.length < 2)
    throw new Error(`--run: give at least 2 runs to compare, got ${args.run.length}`);
  const options = {
    test: parseTest(args.test ?? DEFAULT_COMPARE.test),
    correction: parseCorrection(args.correction ?? DEFAULT_COMPARE.correction),
    alpha: parseNumber('--alpha', args.alpha, false),
    permutations: parseNumber('--permutations', args.permutations, true),
    seed: parseNumber('--seed', args.seed, true),
    metrics: args.metrics === undefined ? undefined : args.metrics.split(','),
    baseline: args.baseline,
  };
  const specs = args.run.map(parseRunSpec);
  const seen = new Set<string>();
  for (const [name] of specs) {
    if (seen.has(name))
      throw new Error(`--run: two runs are named "${name}"; name them with NAME=FILE`);
    seen.add(name);
  }
  if (options.baseline !== undefined && !seen.has(options.baseline)) {
    throw new Error(`--baseline "${options.baseline}" names no run; runs: ${[...seen].join(', ')}`);
  }
  const [qrels, ...loaded] = await Promise.all([
    readTrecQrels(args.qrels),
    ...specs.map(([, file]) => readRunFile(file)),
  ]);
  const runs: Record<string, Run> = {};
  specs.forEach(([name], i) => (runs[name] = loaded[i]!));
  const c = runComparison(
    qrels,
    runs,
    Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  );
  if (args.json)
    return {
      stdout: comparisonJson(c),
      stderr: c.notes.map((n) => `kalelab compare: ${n}\n`).join(''),
    };
  const stdout = args.markdown
    ? formatComparisonMarkdown(c)
    : args.latex
      ? formatComparisonLatex(c)
      : formatComparisonText(c);
  return { stdout, stderr: '' };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'compare TREC runs against a baseline with significance tests (queries missing from a run score 0)',
    )
    .requiredOption('--qrels <file>', 'TREC qrels file (qid 0 docid grade)')
    .requiredOption(
      '--run <[name=]file>',
      'a run: TREC, TREC.gz or JSON {qid: {docid: score}}; repeat for each (the first is the baseline)',
      collect,
      [],
    )
    .option('--baseline <name>', 'the run the others are compared with (default: the first)')
    .option(
      '--metrics <list>',
      `comma-separated metrics (default ${DEFAULT_COMPARE.metrics.join(',')}): ${ALLOWED_METRICS}`,
    )
    .option(
      '--test <name>',
      `significance test: ${TESTS.join(' | ')} (default ${DEFAULT_COMPARE.test})`,
    )
    .option(
      '--correction <name>',
      `over the systems, per metric: ${CORRECTIONS.join(' | ')} (default ${DEFAULT_COMPARE.correction})`,
    )
    .option('--alpha <p>', `significance level (default ${DEFAULT_COMPARE.alpha})`)
    .option(
      '--permutations <n>',
      `sign flips of the randomization test (default ${DEFAULT_COMPARE.permutations})`,
    )
    .option(
      '--seed <n>',
      `seed of the randomization test and bootstrap (default ${DEFAULT_COMPARE.seed})`,
    )
    .option(
      '--json',
      'print {"queries", "test", "correction", "alpha", "baseline", "metrics", "rows": [...]}',
    )
    .option('--markdown', 'print a Markdown table')
    .option('--latex', 'print a LaTeX tabular')
    .action(async (options: CompareArgs) => {
      const { stdout, stderr } = await compare(options);
      process.stderr.write(stderr);
      process.stdout.write(stdout);
    });
}
