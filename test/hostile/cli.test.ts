/**
 * Hostile metric names and command-line options, through main() in-process: every bad
 * name or option is one clear line on stderr naming it (exit code 1, no stack trace);
 * odd but valid spellings (case, trec_eval names, spaces, empty list items) evaluate.
 */
import { check, cli, describeCases, type CliResult, type HostileCase } from './corpus.js';

const FILES = {
  'run.txt': 'q1 Q0 d1 1 2 t\nq1 Q0 d2 2 1 t\n',
  'qrels.txt': 'q1 0 d2 1\n',
};

const evalRun =
  (...extra: string[]) =>
  (dir: string) =>
    cli(['eval-run', '--qrels', `${dir}/qrels.txt`, '--run', `${dir}/run.txt`, ...extra]);

function badMetrics(list: string, ...names: string[]): HostileCase {
  return {
    name: `--metrics ${JSON.stringify(list)}`,
    files: FILES,
    run: evalRun('--metrics', list),
    expect: { error: ['--metrics', ...names] },
  };
}

const metricCases: HostileCase[] = [
  badMetrics('bpref', '"bpref"', 'allowed'),
  badMetrics('ndcg@0', '"ndcg@0"', 'positive integer'),
  badMetrics('ndcg@-1', '"ndcg@-1"'),
  badMetrics('ndcg@', '"ndcg@"'),
  badMetrics('ndcg@1.5', '"ndcg@1.5"'),
  badMetrics('ndcg@1e3', '"ndcg@1e3"'),
  badMetrics('ndcg@010', '"ndcg@010"'),
  badMetrics('ndcg@ten', '"ndcg@ten"'),
  badMetrics('recall@abc', '"recall@abc"'),
  badMetrics('p@0', '"p@0"'),
  badMetrics('accuracy@0', '"accuracy@0"'),
  badMetrics('map@10', '"map@10"'),
  badMetrics('mrr', '"mrr"'),
  badMetrics('ndcg', '"ndcg"'),
  badMetrics('', 'no metrics given'),
  badMetrics(',', 'no metrics given'),
  badMetrics(' , ', 'no metrics given'),
  badMetrics('ndcg@10,ndcg@10', '"ndcg@10" is listed twice'),
  badMetrics('ndcg@10,NDCG@10', 'listed twice'),
  badMetrics('ndcg_cut_10,ndcg@10', 'listed twice'),
  badMetrics('ndcg@10;map', '"ndcg@10;map"'),
  badMetrics('constructor', '"constructor"'),
  badMetrics('__proto__@5', '"__proto__@5"'),
  badMetrics('toString', '"toString"'),
];

const aggregateOf = (v: unknown) =>
  (JSON.parse((v as CliResult).stdout) as { aggregate: Record<string, number> }).aggregate;

const goodMetricCases: HostileCase[] = [
  {
    name: '--metrics " NDCG@10 ,,P_1,recip_rank" (case, trec_eval spelling, spaces, empty item)',
    files: FILES,
    run: evalRun('--metrics', ' NDCG@10 ,,P_1,recip_rank', '--json'),
    expect: {
      accept: (v) => {
        const a = aggregateOf(v);
        check(Object.keys(a).join() === 'ndcg@10,p@1,recip_rank', Object.keys(a).join());
        check(a['p@1'] === 0 && a['recip_rank'] === 0.5, JSON.stringify(a));
      },
    },
  },
  {
    name: '--metrics recall@100000 (a cut-off past the run)',
    files: FILES,
    run: evalRun('--metrics', 'recall@100000', '--json'),
    expect: {
      accept: (v) => check(aggregateOf(v)['recall@100000'] === 1, JSON.stringify(aggregateOf(v))),
    },
  },
];

function badArgs(
  name: string,
  args: (dir: string) => string[],
  ...names: Array<string | RegExp>
): HostileCase {
  return { name, files: FILES, run: (dir) => cli(args(dir)), expect: { error: names } };
}

const optionCases: HostileCase[] = [
  badArgs('an unknown command', () => ['frobnicate'], "unknown command 'frobnicate'"),
  badArgs(
    'eval-run without --run',
    (d) => ['eval-run', '--qrels', `${d}/qrels.txt`],
    "'--run <file>'",
  ),
  badArgs(
    'eval-run without --qrels',
    (d) => ['eval-run', '--run', `${d}/run.txt`],
    "'--qrels <file>'",
  ),
  badArgs(
    'eval-run with an unknown option',
    (d) => ['eval-run', '--qrels', `${d}/qrels.txt`, '--run', `${d}/run.txt`, '--fast'],
    "unknown option '--fast'",
  ),
  badArgs(
    'eval-run --metrics without a value',
    (d) => ['eval-run', '--qrels', `${d}/qrels.txt`, '--run', `${d}/run.txt`, '--metrics'],
    "'--metrics <list>'",
  ),
  badArgs(
    'eval-run with swapped files',
    (d) => ['eval-run', '--qrels', `${d}/run.txt`, '--run', `${d}/qrels.txt`],
    'run.txt:1',
    'expected 4 fields',
  ),
  badArgs(
    'eval-run --qrels a folder',
    (d) => ['eval-run', '--qrels', `${d}/`, '--run', `${d}/run.txt`],
    /case-\d+\/: field "\(file\)": cannot read the file \(EISDIR/,
  ),
  badArgs('dataset without --dataset', () => ['dataset'], "'--dataset <spec>'"),
  badArgs('dataset --dataset ""', () => ['dataset', '--dataset', ''], 'dataset spec ""'),
  badArgs(
    'dataset with an unknown option',
    () => ['dataset', '--dataset', 'beir:x', '--fast'],
    "unknown option '--fast'",
  ),
  badArgs('encode without options', () => ['encode'], "'--model <dir>'"),
  badArgs(
    'encode with an unknown option',
    (d) => ['encode', '--model', d, '--input', 'x', '--out', 'y', '--gpu'],
    "unknown option '--gpu'",
  ),
  badArgs('an option before any command', () => ['--fast'], "unknown option '--fast'"),
];

describeCases('cli', [...metricCases, ...goodMetricCases, ...optionCases]);
