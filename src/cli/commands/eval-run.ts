/**
 * `kalelab eval-run --qrels FILE --run FILE [--metrics LIST] [--json] [--complete] [--per-query]`:
 * reads TREC qrels and run files, scores the run with eval/metrics and prints either
 * trec_eval-style lines (`metric \t all \t value`, 4 decimals) or, with --json,
 * `{"aggregate": {...}, "perQuery": {...}}` at full precision. No math here.
 */
import type { Command } from 'commander';
import { evaluateRun, type Evaluation } from '../../eval/metrics.js';
import { ALLOWED_METRICS, parseMetrics } from '../../eval/metric-names.js';
import type { Qrels, Run } from '../../data/types.js';
import { readTrecQrels, readRun } from '../../eval/trec.js';

/** Metrics printed when --metrics is not given. */
export const DEFAULT_EVAL_METRICS: readonly string[] = Object.freeze([
  'map',
  'recip_rank',
  'p@10',
  'recall@20',
  'recall@100',
  'ndcg@10',
  'success@10',
  'mrr@10',
  'accuracy@20',
  'accuracy@100',
]);

export interface EvalRunArgs {
  readonly qrels: string;
  readonly run: string;
  /** Comma-separated metric names (default DEFAULT_EVAL_METRICS). */
  readonly metrics?: string;
  readonly json?: boolean;
  /** trec_eval -c: average trec_eval measures over every qrels query. */
  readonly complete?: boolean;
  /** trec_eval -q: also print one line per query and metric (plain output only). */
  readonly perQuery?: boolean;
}

/** One trec_eval-style line: name padded to 22, tab, query id, tab, value with 4 decimals. */
function line(name: string, qid: string, value: number): string {
  return `${name.padEnd(22)}\t${qid}\t${value.toFixed(4)}`;
}

function formatPlain(result: Evaluation, metrics: readonly string[], perQuery: boolean): string {
  const lines: string[] = [];
  if (perQuery) {
    for (const [qid, values] of Object.entries(result.perQuery).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      for (const [name, value] of Object.entries(values)) lines.push(line(name, qid, value));
    }
  }
  for (const name of metrics) lines.push(line(name, 'all', result.aggregate[name]!));
  return lines.join('\n') + '\n';
}

/**
 * Why the scores may mean nothing, where trec_eval would print zeros without a word: an
 * empty run or qrels, a run sharing no query with the qrels, qrels with no relevant
 * judgement. Each warning names the file.
 */
export function evalRunWarnings(args: EvalRunArgs, qrels: Qrels, run: Run): string[] {
  const warnings: string[] = [];
  const runQueries = Object.keys(run);
  const qrelsQueries = Object.keys(qrels);
  if (runQueries.length === 0) warnings.push(`${args.run}: the run has no results`);
  if (qrelsQueries.length === 0) warnings.push(`${args.qrels}: the qrels have no judgements`);
  if (runQueries.length > 0 && qrelsQueries.length > 0) {
    const shared = runQueries.filter((q) => Object.hasOwn(qrels, q)).length;
    if (shared === 0)
      warnings.push(
        `${args.run}: none of its ${runQueries.length} queries is in ${args.qrels} (${qrelsQueries.length} queries): wrong qrels file?`,
      );
  }
  const relevant = qrelsQueries.some((q) => Object.values(qrels[q]!).some((g) => g >= 1));
  if (qrelsQueries.length > 0 && !relevant)
    warnings.push(`${args.qrels}: no judgement has grade ≥ 1, so no document is relevant`);
  return warnings;
}

/** What the command prints on stdout, and its warnings (stderr; also in --json output). */
export async function evalRunReport(
  args: EvalRunArgs,
): Promise<{ output: string; warnings: string[] }> {
  const names = args.metrics === undefined ? DEFAULT_EVAL_METRICS : args.metrics.split(',');
  try {
    parseMetrics(names); // before reading files: a typo should not wait for a 10 GB run
  } catch (error) {
    throw new Error(`--metrics: ${(error as Error).message}`, { cause: error });
  }
  // One after the other: with both files bad, the error is always the qrels file's (read
  // together, whichever failed first won, and a test of swapped files was flaky).
  const qrels = await readTrecQrels(args.qrels);
  const run = await readRun(args.run);
  const result = evaluateRun(qrels, run, names, { complete: args.complete ?? false });
  const warnings = evalRunWarnings(args, qrels, run);
  if (args.json) {
    const body = { aggregate: result.aggregate, perQuery: result.perQuery };
    // "warnings" only when there are some: a sound run prints the documented two keys.
    const json = warnings.length > 0 ? { ...body, warnings } : body;
    return { output: JSON.stringify(json, null, 2) + '\n', warnings };
  }
  return {
    output: formatPlain(result, Object.keys(result.aggregate), args.perQuery ?? false),
    warnings,
  };
}

/** Runs the command and returns what it prints on stdout (the CLI writes it there). */
export async function evalRun(args: EvalRunArgs): Promise<string> {
  return (await evalRunReport(args)).output;
}

export function registerEvalRun(program: Command): void {
  program
    .command('eval-run')
    .description('evaluate a TREC run file against qrels, as trec_eval does')
    .requiredOption('--qrels <file>', 'TREC qrels file (qid 0 docid grade)')
    .requiredOption('--run <file>', 'TREC run file (qid Q0 docid rank score tag)')
    .option('--metrics <list>', `comma-separated metric names: ${ALLOWED_METRICS}`)
    .option('--json', 'print {"aggregate": {...}, "perQuery": {...}}')
    .option('--complete', 'trec_eval -c: average over all qrels queries (missing ones score 0)')
    .option('--per-query', "trec_eval -q: also print each query's values")
    .action(async (options: EvalRunArgs) => {
      const { output, warnings } = await evalRunReport(options);
      for (const w of warnings) process.stderr.write(`kalelab eval-run: warning: ${w}\n`);
      process.stdout.write(output);
    });
}
