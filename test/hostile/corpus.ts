/**
 * The hostile-input corpus: cases generated per area (one test file each), a runner that
 * writes a case's files, runs it, and classifies what happened, and the tally each file
 * prints at the end. A case expects either a clear error (the message names the file, the
 * line and the field, or the option) or an acceptance, checked by the case and, for bad
 * input that is skipped, counted in the load report. Anything else is a failure of its
 * own kind: a crash (TypeError, RangeError… or a stack trace as the message), an unclear
 * error (a message missing what it must name, or echoing a huge line), a silent
 * acceptance, a wrong result, or a damaged input file (every file is hashed before and
 * after the run).
 */
import { createHash } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { useTempDir } from '../temp-dir.js';

/** What a case's folder holds: text, bytes, a sparse file of `sparse` bytes, a folder, or a link. */
export type FileSpec =
  | string
  | Uint8Array
  | { readonly sparse: number; readonly prefix?: string | Uint8Array }
  | { readonly folder: true }
  | { readonly symlinkTo: string }
  | { readonly hardlinkTo: string };

export type Expect =
  /** Fails with a message containing every one of `names` (file, line, field or option). */
  | { readonly error: readonly (string | RegExp)[] }
  /** Succeeds; `check` throws when the result is wrong. `reported`: bad input counted in a report. */
  | { readonly accept: (value: unknown, dir: string) => void; readonly reported?: boolean };

export interface HostileCase {
  readonly name: string;
  readonly files: Readonly<Record<string, FileSpec>>;
  /** Runs the code under test on the case folder; returns what it produced. */
  readonly run: (dir: string) => Promise<unknown>;
  readonly expect: Expect;
}

export const OUTCOMES = [
  'clear error',
  'accepted and reported',
  'accepted',
  'crash',
  'unclear error',
  'silent acceptance',
  'wrong result',
  'damaged file',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface CaseResult {
  readonly outcome: Outcome;
  readonly detail: string;
}

/** Longest error message accepted: a bad 50 MB line must not be echoed whole. */
const MAX_MESSAGE = 2000;
const CRASH_NAMES = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

function writeFiles(dir: string, files: Readonly<Record<string, FileSpec>>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, spec] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof spec === 'string' || spec instanceof Uint8Array) writeFileSync(path, spec);
    else if ('sparse' in spec) {
      writeFileSync(path, spec.prefix ?? '');
      truncateSync(path, spec.sparse); // a hole: no disk blocks, read back as zero bytes
    } else if ('folder' in spec) mkdirSync(path, { recursive: true });
    else if ('symlinkTo' in spec) symlinkSync(join(dir, spec.symlinkTo), path);
    else linkSync(join(dir, spec.hardlinkTo), path);
  }
}

/** Path → content hash (files over 64 MiB: size and mtime, so sparse files cost nothing). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const st = statSync(path);
        out.set(
          path,
          st.size > 64 << 20
            ? `${st.size}:${st.mtimeMs}`
            : createHash('sha1').update(readFileSync(path)).digest('hex'),
        );
      }
    }
  };
  walk(dir);
  return out;
}

function damaged(before: Map<string, string>, after: Map<string, string>): string | undefined {
  for (const [path, hash] of before)
    if (after.get(path) !== hash) return `${path} changed or vanished`;
  return undefined;
}

function classifyError(error: unknown, names: readonly (string | RegExp)[]): CaseResult {
  if (!(error instanceof Error)) return { outcome: 'crash', detail: `threw ${String(error)}` };
  const message = error.message;
  if (CRASH_NAMES.has(error.name) || /\n\s+at /.test(message))
    return { outcome: 'crash', detail: `${error.name}: ${message.slice(0, 300)}` };
  if (message.length > MAX_MESSAGE)
    return { outcome: 'unclear error', detail: `message of ${message.length} characters` };
  const missing = names.filter((n) =>
    typeof n === 'string' ? !message.includes(n) : !n.test(message),
  );
  if (missing.length > 0)
    return {
      outcome: 'unclear error',
      detail: `"${message.slice(0, 300)}" does not name ${missing.map(String).join(', ')}`,
    };
  return { outcome: 'clear error', detail: message.slice(0, 300) };
}

/** Writes the case into `dir`, runs it and classifies the outcome. */
export async function runCase(c: HostileCase, dir: string): Promise<CaseResult> {
  writeFiles(dir, c.files);
  const before = snapshot(dir);
  let result: CaseResult;
  try {
    const value = await c.run(dir);
    if ('error' in c.expect) result = { outcome: 'silent acceptance', detail: 'no error' };
    else {
      try {
        c.expect.accept(value, dir);
        result = {
          outcome: c.expect.reported ? 'accepted and reported' : 'accepted',
          detail: 'ok',
        };
      } catch (error) {
        result = { outcome: 'wrong result', detail: (error as Error).message.slice(0, 300) };
      }
    }
  } catch (error) {
    result =
      'error' in c.expect
        ? classifyError(error, c.expect.error)
        : { outcome: 'wrong result', detail: `refused: ${String(error).slice(0, 300)}` };
  }
  const harm = damaged(before, snapshot(dir));
  return harm ? { outcome: 'damaged file', detail: harm } : result;
}

/** The outcome a case is meant to have. */
export function expectedOutcome(c: HostileCase): Outcome {
  if ('error' in c.expect) return 'clear error';
  return c.expect.reported ? 'accepted and reported' : 'accepted';
}

/** The areas, one test file each; when all have run in one vitest run, the total is printed. */
export const HOSTILE_AREAS: readonly string[] = Object.freeze([
  'beir',
  'dpr',
  'msmarco',
  'trec',
  'config',
  'safetensors',
  'vocab',
  'encode',
  'spec',
  'cli',
  'experiment',
]);

function tallyLine(label: string, counts: ReadonlyMap<Outcome, number>): string {
  const n = (o: Outcome): number => counts.get(o) ?? 0;
  const total = OUTCOMES.reduce((a, o) => a + n(o), 0);
  return (
    `${label}: ${total} (${n('clear error')} clear errors, ${n('accepted and reported')} accepted and reported, ${n('accepted')} accepted); ` +
    `crashes ${n('crash')}, unclear errors ${n('unclear error')}, silent acceptances ${n('silent acceptance')}, wrong results ${n('wrong result')}, damaged files ${n('damaged file')}`
  );
}

/**
 * Adds this area's counts to the run's shared folder (test files run in forks of one
 * vitest process, so the parent pid names the run); the file that completes the set
 * prints the total over all areas and removes the folder.
 */
function shareCounts(area: string, counts: ReadonlyMap<Outcome, number>): void {
  const dir = join(tmpdir(), `kalelab-hostile-counts-${process.ppid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${area}.json`), JSON.stringify(Object.fromEntries(counts)));
  const done = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (!HOSTILE_AREAS.every((a) => done.includes(`${a}.json`))) return;
  try {
    mkdirSync(join(dir, 'printed')); // only one file prints the total
  } catch {
    return;
  }
  const total = new Map<Outcome, number>();
  for (const file of done) {
    const part = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<Outcome, number>;
    for (const o of OUTCOMES) total.set(o, (total.get(o) ?? 0) + (part[o] ?? 0));
  }
  console.log(tallyLine('hostile inputs', total));
  rmSync(dir, { recursive: true, force: true });
}

/** Counts outcomes of one area and prints them in one line after its tests. */
export function useTally(area: string): (result: CaseResult) => void {
  const counts = new Map<Outcome, number>(OUTCOMES.map((o) => [o, 0]));
  afterAll(() => {
    console.log(tallyLine(`hostile inputs (${area})`, counts));
    shareCounts(area, counts);
  });
  return (result) => counts.set(result.outcome, counts.get(result.outcome)! + 1);
}

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A CLI failure: what it printed on stderr, as the error message (for classification). */
export class CliFailure extends Error {
  constructor(readonly result: CliResult) {
    super(
      result.stderr.trim() === ''
        ? `(exit ${result.exitCode}, nothing on stderr)`
        : result.stderr.trim(),
    );
    this.name = 'CliFailure';
  }
}

/**
 * Runs `kalelab …args` in-process (main(), stdout and stderr captured). Resolves on exit
 * code 0; otherwise rejects with a CliFailure carrying stderr, so classification reads it.
 * KALELAB_DEBUG is unset so a stack trace on stderr is a crash, not debug output.
 */
export async function cli(args: readonly string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) =>
    out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) =>
    err.push(String(chunk)) > 0) as typeof process.stderr.write;
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['node', 'kalelab', ...args]);
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = previous;
  const result = { exitCode, stdout: out.join(''), stderr: err.join('') };
  if (exitCode !== 0) throw new CliFailure(result);
  return result;
}

/** Bytes that are not valid UTF-8 (a lone continuation byte and an overlong NUL) inside `text`. */
export function withBadUtf8(before: string, after: string): Uint8Array {
  return Buffer.concat([Buffer.from(before), Buffer.from([0x80, 0xc0, 0x80]), Buffer.from(after)]);
}

/** Throws with `what` unless `cond`. For acceptance checks. */
export function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`wrong: ${what}`);
}

/** Ids shaped like Object.prototype members. */
export const PROTO_IDS: readonly string[] = Object.freeze([
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
]);

/** Registers one test per case (in its own folder) and the area's tally line. */
export function describeCases(area: string, cases: readonly HostileCase[]): void {
  const root = useTempDir(`hostile-${area}`);
  const tally = useTally(area);
  describe(`hostile ${area} inputs`, () => {
    cases.forEach((c, i) => {
      it(c.name, async () => {
        const result = await runCase(c, join(root(), `case-${i}`));
        tally(result);
        expect(result.outcome, result.detail).toBe(expectedOutcome(c));
      });
    });
  });
}
