/**
 * Atomic writes: write under a temporary name in the same folder, then rename, so a crash
 * (even SIGKILL) never leaves a half-written file and a reader sees the old or the new one.
 *
 * Temporary names, all beside the target and all ending in `.tmp`:
 *   .<name>.<pid>.<stamp>.tmp        being written (a file, or a folder being filled)
 *   .<name>.<pid>.<stamp>.done.tmp   a folder, complete, about to take <name>'s place
 *   .<name>.<pid>.<stamp>.old.tmp    the folder it replaces, removed after the swap
 * Settling removes what killed writers left, except a complete folder whose <name> is
 * missing (the kill fell between the swap's renames): that one is renamed into place, so
 * the finished work is kept. Readers of folders written this way call `settleAtomic(path)`
 * before reading. A writer settles its folder on its first write there in this process
 * (once: a readdir per write would make writing n shards cost n² entries; temporaries of
 * writers that die later are left to the next run).
 *
 * Errors name the path the caller gave, never a temporary one, and keep the cause.
 */
import { access, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

type Stage = 'done' | 'old';

/** A temporary name: target, writer's pid, stamp, stage (see the file header). */
const TEMPORARY = /^\.(.+)\.(\d+)\.(\d+)(?:\.(done|old))?\.tmp$/;

interface Temporary {
  readonly entry: string;
  readonly target: string;
  readonly pid: number;
  readonly stamp: number;
  readonly stage: Stage | undefined;
}

let sequence = 0;

/** Unique within this process: milliseconds and a counter (two writes in one millisecond). */
function nextStamp(): number {
  return Date.now() * 1000 + (sequence++ % 1000);
}

function temporaryPath(path: string, stamp: number, stage?: Stage): string {
  const suffix = stage === undefined ? 'tmp' : `${stage}.tmp`;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${stamp}.${suffix}`);
}

function parseTemporary(entry: string): Temporary | undefined {
  // The suffix has a fixed shape, so the greedy target is exactly the target's name.
  const m = TEMPORARY.exec(entry);
  if (m === null) return undefined;
  const [, target, pid, stamp, stage] = m;
  return { entry, target: target!, pid: Number(pid), stamp: Number(stamp), stage: stage as Stage };
}

/** True unless process `pid` is known to be gone (a reused pid keeps its files: safe side). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporaries in `dir` (of target `name` only, when given) that a dead process
 * left; a complete folder whose target is missing is renamed into place instead. Live
 * writers' temporaries (this process's included) are left alone.
 */
export async function removeStaleTemporaries(dir: string, name?: string): Promise<void> {
  const stale = (await readdir(dir).catch(() => [] as string[]))
    .map(parseTemporary)
    .filter((t): t is Temporary => t !== undefined)
    .filter((t) => (name === undefined || t.target === name) && !processAlive(t.pid));
  // complete folders first, newest first: the first one may take its missing target's place
  const rank = (t: Temporary): number => (t.stage === 'done' ? 0 : 1);
  stale.sort((a, b) => rank(a) - rank(b) || b.stamp - a.stamp);
  for (const t of stale) {
    const from = join(dir, t.entry);
    const target = join(dir, t.target);
    if (t.stage === 'done' && !(await pathExists(target))) {
      // another process settling at the same time may have moved it already
      await rename(from, target).catch(ignoreCode('ENOENT'));
    } else {
      await rm(from, { recursive: true, force: true });
    }
  }
}

/** Finishes or removes what killed atomic writes of `path` left (see the file header). */
export async function settleAtomic(path: string): Promise<void> {
  await removeStaleTemporaries(dirname(path), basename(path));
}

/** Folders this process has settled before writing into them (see the file header). */
const settledFolders = new Set<string>();

/** Settles `path`'s folder, all targets, on this process's first write there. */
async function settleFolderOnce(path: string): Promise<void> {
  const dir = resolve(dirname(path));
  if (settledFolders.has(dir)) return;
  await removeStaleTemporaries(dir);
  settledFolders.add(dir);
}

/** Writes `data` to `path` atomically (creating the folder), with an fsync before rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeStreamAtomic(path, (write) => write(data));
}

/**
 * Streams what `fill(write)` writes into `path` atomically (creating the folder), with an
 * fsync before rename. `fill`'s own errors pass unchanged; the file-system's name `path`.
 */
export async function writeStreamAtomic(
  path: string,
  fill: (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>,
): Promise<void> {
  const tmp = temporaryPath(path, nextStamp());
  try {
    await mkdir(dirname(path), { recursive: true });
    await settleFolderOnce(path);
    const handle = await open(tmp, 'wx');
    try {
      const write = async (chunk: string | Uint8Array): Promise<void> => {
        // writeFile, not write: it loops until the whole chunk is written
        await handle.writeFile(chunk).catch((error: unknown) => {
          throw new WriteFailure(error);
        });
      };
      await fill(write).catch((error: unknown) => {
        throw error instanceof WriteFailure ? error.error : new FillError(error);
      });
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await discard(tmp);
    throw writeError(path, [tmp], error);
  }
}

/** A write's own failure inside a stream's fill (told apart from the fill's errors). */
class WriteFailure {
  constructor(readonly error: unknown) {}
}

/** JSON with two-space indentation and a final newline, written atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Replaces folder `path` by the folder that `fill(tmpDir)` writes. The filled folder is
 * renamed to `.done.tmp` (complete), the old folder aside, the complete one into place,
 * then the old one is removed: a kill at any point leaves `path` or a complete folder that
 * `settleAtomic` moves into place.
 */
export async function writeDirAtomic(
  path: string,
  fill: (tmpDir: string) => Promise<void>,
): Promise<void> {
  const stamp = nextStamp();
  const tmp = temporaryPath(path, stamp);
  const done = temporaryPath(path, stamp, 'done');
  const old = temporaryPath(path, stamp, 'old');
  let movedOld = false;
  try {
    await mkdir(dirname(path), { recursive: true });
    await settleFolderOnce(path);
    await mkdir(tmp);
    await fill(tmp).catch((error: unknown) => {
      throw fillError(path, tmp, error);
    });
    await rename(tmp, done);
    movedOld = await rename(path, old).then(() => true, ignoreCode('ENOENT', false));
    await rename(done, path);
    movedOld = false;
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    if (movedOld) await rename(old, path).catch(() => undefined);
    for (const p of [tmp, done]) await discard(p);
    throw writeError(path, [tmp, done, old], error);
  }
}

/**
 * An error of `fill`: one about a file inside the temporary folder names that file's
 * place in `path`; others (the fill's own checks, reading its inputs) pass unchanged.
 */
function fillError(path: string, tmp: string, error: unknown): unknown {
  if (error instanceof AtomicWriteError) return writeError(path, [tmp], error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : '';
  if (typeof code !== 'string' || !message.includes(tmp)) return new FillError(error);
  return new AtomicWriteError(
    `${path}: cannot write: ${message.split(tmp).join(path)}`,
    path,
    code,
    error,
  );
}

/** Carries a fill's own error through the writers' clean-up unchanged. */
class FillError {
  constructor(readonly error: unknown) {}
}

/** True when `path` exists (file or folder). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes a temporary after a failed write; its own failure (the folder is not there, or
 * a file is on the way) must not hide the write's error.
 */
async function discard(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch(() => undefined);
}

/** A rejection handler that turns an error with `code` into `value` and rethrows others. */
function ignoreCode<T>(code: string, value?: T): (error: unknown) => T {
  return (error) => {
    if ((error as NodeJS.ErrnoException).code === code) return value as T;
    throw error;
  };
}

/** What a file-system error code means for the path being written. */
function reason(code: string, path: string): string | undefined {
  const reasons: Record<string, string> = {
    ENOENT: `its folder ${dirname(path)} does not exist (or was removed while writing)`,
    ENOTDIR: `a part of the folder ${dirname(path)} is a file, not a folder`,
    // the only EEXIST: mkdir of the folder, where a file has its name (temporaries are unique)
    EEXIST: `a part of the folder ${dirname(path)} is a file, not a folder`,
    EISDIR: 'it is a folder, not a file',
    EACCES: `permission denied (is ${dirname(path)} writable?)`,
    EPERM: `operation not permitted (is ${dirname(path)} writable?)`,
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exhausted',
    ENAMETOOLONG: 'the name is too long',
  };
  return Object.hasOwn(reasons, code) ? reasons[code] : undefined;
}

/** An error of an atomic write, naming the target (never a temporary) and its cause. */
export class AtomicWriteError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'AtomicWriteError';
  }
}

/**
 * The error to throw for `error` while writing `path` through `temporaries`: file-system
 * errors become AtomicWriteError naming `path` (an inner atomic write's error, from a
 * folder's fill, keeps its own file, with the temporary folder replaced by `path`); a
 * fill's own errors (FillError) pass unchanged.
 */
function writeError(path: string, temporaries: readonly string[], error: unknown): unknown {
  if (error instanceof FillError) return error.error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  if (error instanceof AtomicWriteError) {
    let { message, path: inner } = error;
    for (const t of temporaries) {
      message = message.split(t).join(path);
      inner = inner.split(t).join(path);
    }
    return new AtomicWriteError(message, inner, code, error.cause);
  }
  let why = reason(code, path);
  if (why === undefined) {
    // an unknown code: the system's message, with the temporaries' names replaced
    why = (error as Error).message;
    for (const t of temporaries) why = why.split(t).join(path);
  }
  return new AtomicWriteError(`${path}: cannot write: ${why}`, path, code, error);
}
