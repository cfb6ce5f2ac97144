/**
 * The training rows of `kalelab bench`: the same shapes (training.ts) on wasm with one
 * thread, with every core (threaded wasm) and data-parallel over every core
 * (training-parallel.ts: one wasm thread per worker), each in its own process (a process's thread count is fixed
 * when its backend starts), and in PyTorch on CPU with the same thread counts
 * (bench/train_throughput_torch.py, where a Python with torch is found). Runs one process at
 * a time, so the measurements do not compete for the cores.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { THREADS_ENV, availableCores } from '../backend/index.js';
import { TRAIN_WORKERS_ENV } from '../train/index.js';
import type { TrainingBench } from './training.js';

const run = promisify(execFile);

export interface TrainingPeersOptions {
  /** Timed steps per shape (after one warm-up). Default 3. */
  readonly steps?: number;
  /** Presets to run (default: all of TRAINING_SHAPES). */
  readonly only?: readonly string[];
  /** Thread counts (default: 1 and every core). */
  readonly threads?: readonly number[];
  /** Data-parallel worker counts, one wasm thread each (default: every core, if ≥ 2). */
  readonly workers?: readonly number[];
  /** Skip PyTorch. Default false. */
  readonly noTorch?: boolean;
  /** Python with torch. Default `KALELAB_PYTHON`, else /usr/bin/python3. */
  readonly python?: string;
}

export interface TrainingRows {
  readonly rows: TrainingBench[];
  /** Why a peer is missing, one line each. */
  readonly notes: string[];
}

// The child is this file's sibling: .ts under tsx (execArgv carries its loader), .js in dist.
const here = fileURLToPath(import.meta.url);
const child = here.replace(/training-peers\.(ts|js)$/, 'training-child.$1');
// From source, under a runner that does not use tsx (vitest), the child needs it named.
const loader =
  child.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx'))
    ? ['--import', 'tsx']
    : process.execArgv;
const torchScript = fileURLToPath(
  new URL('../../bench/train_throughput_torch.py', import.meta.url),
);
const TIMEOUT_MS = 3_600_000; // BERT-base on one core: about a minute a step

async function kalelabRows(threads: number, steps: number, only: readonly string[], workers = 1) {
  const env = {
    ...process.env,
    KALELAB_BACKEND: 'wasm',
    [THREADS_ENV]: String(threads),
    [TRAIN_WORKERS_ENV]: String(workers),
  };
  const { stdout } = await run(process.execPath, [...loader, child, String(steps), ...only], {
    env,
    timeout: TIMEOUT_MS,
    maxBuffer: 1 << 20,
  });
  return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { training: TrainingBench[] }).training;
}

interface TorchRow extends Omit<
  TrainingBench,
  'framework' | 'backend' | 'threads' | 'workers' | 'gflops'
> {
  readonly gflops?: number;
}

async function torchRows(python: string, threads: number, steps: number, only: readonly string[]) {
  const rows: TrainingBench[] = [];
  for (const preset of only.length === 0 ? [undefined] : only) {
    const args = [torchScript, '--threads', String(threads), '--steps', String(steps)];
    const { stdout } = await run(python, preset ? [...args, '--only', preset] : args, {
      timeout: TIMEOUT_MS,
      maxBuffer: 1 << 20,
    });
    const out = JSON.parse(stdout) as { threads: number; training: TorchRow[] };
    for (const r of out.training)
      rows.push({
        ...r,
        framework: 'pytorch',
        backend: 'cpu',
        threads: out.threads,
        workers: 1,
      } as TrainingBench);
  }
  return rows;
}

/**
 * Training rows for one thread and every core, kalelab (wasm) then PyTorch, per count; then
 * kalelab data-parallel over every core.
 */
export async function benchTrainingPeers(
  options: TrainingPeersOptions = {},
): Promise<TrainingRows> {
  const steps = options.steps ?? 3;
  const only = options.only ?? [];
  const counts = [...new Set(options.threads ?? [1, availableCores()])];
  const rows: TrainingBench[] = [];
  const notes: string[] = [];
  const python = options.python ?? process.env['KALELAB_PYTHON'] ?? '/usr/bin/python3';
  let torch = !options.noTorch;
  if (torch && (!existsSync(torchScript) || !existsSync(python))) {
    notes.push(
      `pytorch: not measured (${existsSync(torchScript) ? python : torchScript} not found)`,
    );
    torch = false;
  }
  for (const threads of counts) {
    rows.push(...(await kalelabRows(threads, steps, only)));
    if (!torch) continue;
    try {
      rows.push(...(await torchRows(python, threads, steps, only)));
    } catch (error) {
      notes.push(`pytorch ${threads} thread(s): ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const cores = availableCores();
  for (const workers of options.workers ?? (cores >= 2 ? [cores] : []))
    rows.push(...(await kalelabRows(1, steps, only, workers)));
  return { rows, notes };
}
