/**
 * Fault injection for resumable stages: run a stage in a child process, SIGKILL it at a
 * seeded random moment, run it again (resume) until it finishes, and compare with an
 * uninterrupted run. Each stage is a child script in ./children/ that prints "ready" once
 * its work starts, "done" at the end, and leaves its result as JSON in its output folder.
 *
 * Kill moments are drawn from a seeded generator (src/util Random) over the duration the
 * uninterrupted run measured, so a failure replays with the same seed. Kills land
 * wherever the child happens to be: mid-step, mid-write, between the renames of an
 * atomic write.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../../src/util/index.js';

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
  /** Milliseconds from "ready" to exit (or to the kill). */
  readonly workMs: number;
}

/** The path of a child script in ./children/. */
export function childScript(name: string): string {
  return fileURLToPath(new URL(`./children/${name}`, import.meta.url));
}

/** Where a kill lands: a time after "ready", or just before the N-th file-system operation. */
export type KillPoint =
  { readonly afterMs: number } | { readonly atIo: number } | { readonly atRename: number };

const IO_FAULTS = fileURLToPath(new URL('./children/io-faults.ts', import.meta.url));

/**
 * Runs `script` with `args`, with the io-faults preload (children/io-faults.ts). With
 * `kill`, SIGKILLs it at that point if it is still running. Rejects when it fails other
 * than by the kill.
 */
export function runChild(
  script: string,
  args: readonly string[],
  kill?: KillPoint,
): Promise<ChildRun> {
  const killAfterMs = kill !== undefined && 'afterMs' in kill ? kill.afterMs : undefined;
  const atIo =
    kill === undefined || 'afterMs' in kill
      ? ''
      : 'atIo' in kill
        ? String(kill.atIo)
        : `rename:${kill.atRename}`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', IO_FAULTS, script, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KALELAB_FAULT_IO_AT: atIo } },
    );
    let out = '';
    let err = '';
    let readyAt: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (readyAt === undefined && /^ready$/m.test(out)) {
        readyAt = performance.now();
        if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    // 'close', not 'exit': the last output may arrive after the exit event
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const workMs = readyAt === undefined ? 0 : performance.now() - readyAt;
      if (code !== 0 && signal !== 'SIGKILL')
        reject(new Error(`${relative(process.cwd(), script)} exited ${code} (${signal}): ${err}`));
      else resolve({ code, signal, out, err, workMs });
    });
  });
}

/** `count` kill moments in [0, maxMs), drawn with `seed`. */
export function killMoments(seed: number, count: number, maxMs: number): KillPoint[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => ({ afterMs: Math.floor(rng.next() * maxMs) }));
}

/** `count` distinct kill points among file-system operations 1…ops, drawn with `seed`. */
export function ioKillPoints(seed: number, count: number, ops: number): KillPoint[] {
  const rng = new Random(seed);
  const all = rng.shuffle(Array.from({ length: ops }, (_, i) => i + 1));
  return all.slice(0, Math.min(count, ops)).map((atIo) => ({ atIo }));
}

/**
 * `count` distinct kill points just before one of renames 1…renames: the moment an atomic
 * write has its temporary file complete but not yet in place.
 */
export function renameKillPoints(seed: number, count: number, renames: number): KillPoint[] {
  return ioKillPoints(seed, count, renames).map((p) => ({
    atRename: (p as { atIo: number }).atIo,
  }));
}

/** The number of renames a child's uninterrupted run made. */
export function renameCount(run: ChildRun): number {
  const m = /^io-ops \d+ renames (\d+)$/m.exec(run.out);
  if (m === null) throw new Error(`no "io-ops" line in the child output: ${run.out} ${run.err}`);
  return Number(m[1]);
}

/** The number of file-system operations a child's uninterrupted run made. */
export function ioCount(run: ChildRun): number {
  const m = /^io-ops (\d+)/m.exec(run.out);
  if (m === null)
    throw new Error(
      `no "io-ops" line in the child output (exit ${run.code}): ${run.out} ${run.err}`,
    );
  return Number(m[1]);
}

/** Human-readable kill points, for assertion messages. */
export function describeKills(points: readonly KillPoint[]): string {
  const one = (p: KillPoint): string =>
    'afterMs' in p ? `${p.afterMs} ms` : 'atIo' in p ? `io op ${p.atIo}` : `rename ${p.atRename}`;
  return points.map(one).join(', ');
}

/** Every path under `dir` (relative, sorted) that looks like a temporary file or folder. */
export async function leftoverTemporaries(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return all
    .filter((p) => /\.tmp(\.old)?($|[/\\])/.test(p) || /(^|[/\\])\.[^/\\]*tmp/.test(p))
    .sort();
}

/** Every file under `dir`, relative and sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

export interface TrialOutcome {
  /** Kills that landed while the child was still working. */
  readonly kills: number;
  /** Runs it took to finish, the last one uninterrupted. */
  readonly runs: number;
}

/**
 * Kills the stage at each of `moments` in turn, each in a fresh process that resumes from
 * the last, then runs it to the end. A point the process never reaches lets it finish;
 * the next point then hits a rerun of the finished stage (which must keep its result).
 */
export async function killAndResume(
  script: string,
  args: readonly string[],
  moments: readonly KillPoint[],
): Promise<TrialOutcome> {
  let kills = 0;
  let runs = 0;
  for (const point of moments) {
    runs++;
    const r = await runChild(script, args, point);
    if (r.signal === 'SIGKILL') kills++;
  }
  runs++;
  const last = await runChild(script, args);
  if (!/^done$/m.test(last.out))
    throw new Error(`${script}: the final run did not finish: ${last.err}`);
  return { kills, runs };
}
