/**
 * Atomic writers (src/util/files.ts): replacing files and folders, settling what killed
 * writers left (stale temporaries removed, a complete folder swap finished), and errors
 * that name the path given, never a temporary one.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AtomicWriteError,
  removeStaleTemporaries,
  settleAtomic,
  writeDirAtomic,
  writeFileAtomic,
  writeJsonAtomic,
  writeStreamAtomic,
} from '../../src/util/index.js';
import { withTempDir } from '../temp-dir.js';

/** The pid of a process that has exited (as a SIGKILLed writer's). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

const tmpName = (name: string, pid: number, stamp: number, stage = ''): string =>
  `.${name}.${pid}.${stamp}.${stage ? `${stage}.` : ''}tmp`;

/** Makes `op` of node:fs/promises fail once with a system-like error on its first argument. */
async function failingOnce<T>(op: string, code: string, fn: () => Promise<T>): Promise<T> {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const original = fsp[op]!;
  fsp[op] = (...args: unknown[]) => {
    fsp[op] = original;
    syncBuiltinESMExports();
    const p = String(args[0]);
    const error = Object.assign(new Error(`${code}: failed, ${op} '${p}'`), {
      code,
      syscall: op,
      path: p,
    });
    return Promise.reject(error);
  };
  syncBuiltinESMExports();
  try {
    return await fn();
  } finally {
    fsp[op] = original;
    syncBuiltinESMExports();
  }
}

async function caught(p: Promise<unknown>): Promise<AtomicWriteError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AtomicWriteError);
  return error as AtomicWriteError;
}

/** A fill for writeDirAtomic: state.json = `text`. */
const fillWith = (text: string) => async (tmp: string) => {
  await writeFileAtomic(join(tmp, 'state.json'), text);
};

describe('writeFileAtomic', () => {
  it('creates the folder, replaces the file, leaves no temporary', async () => {
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'a', 'b', 'x.json');
      await writeJsonAtomic(path, { v: 1 });
      await writeJsonAtomic(path, { v: 2 });
      expect(await readFile(path, 'utf8')).toBe('{\n  "v": 2\n}\n');
      expect(await readdir(join(dir, 'a', 'b'))).toEqual(['x.json']);
    });
  });

  it("the first write into a folder removes dead writers' temporaries, no live writer's", async () => {
    await withTempDir('files', async (dir) => {
      const dead = deadPid();
      const names = {
        deadSame: tmpName('x.json', dead, 5),
        deadOther: tmpName('y.json', dead, 5),
        mine: tmpName('x.json', process.pid, 5),
        parent: tmpName('x.json', process.ppid, 5),
        notOurs: '.x.json.notes.tmp',
      };
      for (const n of Object.values(names)) await writeFile(join(dir, n), 'partial');
      await writeFileAtomic(join(dir, 'x.json'), 'new');
      const kept = [names.mine, names.parent, names.notOurs];
      expect((await readdir(dir)).sort()).toEqual(['x.json', ...kept].sort());
      // once per folder and process: a writer that dies later is the next run's to settle
      const later = tmpName('x.json', dead, 6);
      await writeFile(join(dir, later), 'partial');
      await writeFileAtomic(join(dir, 'x.json'), 'newer');
      expect((await readdir(dir)).sort()).toEqual(['x.json', later, ...kept].sort());
      await removeStaleTemporaries(dir);
      expect((await readdir(dir)).sort()).toEqual(['x.json', ...kept].sort());
    });
  });

  it('settleAtomic: a target whose name has numbers is told apart by the fixed suffix', async () => {
    await withTempDir('files', async (dir) => {
      const dead = deadPid();
      const ofX = tmpName('x', dead, 8); // .x.<pid>.8.tmp
      const ofX7 = tmpName('x.7', dead, 8); // .x.7.<pid>.8.tmp
      for (const n of [ofX, ofX7]) await writeFile(join(dir, n), 'partial');
      await settleAtomic(join(dir, 'x'));
      expect(await readdir(dir)).toEqual([ofX7]);
    });
  });

  it('an existing folder as target: names the path and says it is a folder', async () => {
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'out');
      await mkdir(join(path, 'inside'), { recursive: true });
      const error = await caught(writeFileAtomic(path, 'x'));
      expect(error.message).toBe(`${path}: cannot write: it is a folder, not a file`);
      expect(error.path).toBe(path);
      expect((error.cause as NodeJS.ErrnoException).code).toBe('EISDIR');
      expect(await readdir(dir)).toEqual(['out']);
      expect(await readdir(path)).toEqual(['inside']);
    });
  });

  it('a file on the way: names the path, not a temporary', async () => {
    await withTempDir('files', async (dir) => {
      await writeFile(join(dir, 'plain'), 'keep');
      const path = join(dir, 'plain', 'sub', 'e.jsonl');
      const error = await caught(writeFileAtomic(path, 'x'));
      expect(error.message).toMatch(
        new RegExp(`^${path}: cannot write: .*is a file, not a folder`),
      );
      expect(error.code).toBe('ENOTDIR');
      expect(await readFile(join(dir, 'plain'), 'utf8')).toBe('keep');
    });
  });

  it.each([
    ['EACCES', /permission denied \(is .* writable\?\)$/],
    ['ENOENT', /does not exist/],
    ['ENOSPC', /no space left/],
    ['EWHATEVER', /^.*EWHATEVER: failed, open '.*e\.jsonl'$/],
  ])('%s while opening the temporary: names the path, keeps the cause', async (code, why) => {
    // injected (the tests may run as root, where permissions do not stop a write)
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'e.jsonl');
      const error = await caught(failingOnce('open', code, () => writeFileAtomic(path, 'x')));
      expect(error.message.startsWith(`${path}: cannot write: `)).toBe(true);
      expect(error.message).toMatch(why);
      expect(error.message).not.toContain('.tmp');
      expect((error.cause as NodeJS.ErrnoException).code).toBe(code);
      expect(String((error.cause as NodeJS.ErrnoException).path)).toContain('.tmp');
      expect(await readdir(dir)).toEqual([]);
    });
  });
});

describe('writeStreamAtomic', () => {
  it('writes the chunks in order and replaces the file whole', async () => {
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'e.jsonl');
      await writeFile(path, 'old');
      await writeStreamAtomic(path, async (write) => {
        for (let i = 0; i < 3; i++) await write(`${i}\n`);
        await write(new TextEncoder().encode('end\n'));
      });
      expect(await readFile(path, 'utf8')).toBe('0\n1\n2\nend\n');
      expect(await readdir(dir)).toEqual(['e.jsonl']);
    });
  });

  it("a fill's own error passes unchanged; the old file stays, no temporary", async () => {
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'e.jsonl');
      await writeFile(path, 'old');
      const bad = new Error('a non-finite value');
      const got = await writeStreamAtomic(path, async (write) => {
        await write('partial');
        throw bad;
      }).catch((e: unknown) => e);
      expect(got).toBe(bad);
      expect(await readFile(path, 'utf8')).toBe('old');
      expect(await readdir(dir)).toEqual(['e.jsonl']);
    });
  });
});

describe('writeDirAtomic', () => {
  it('replaces the folder whole and leaves no temporary', async () => {
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'latest');
      await writeDirAtomic(path, async (tmp) => {
        await writeFileAtomic(join(tmp, 'old-only'), '1');
      });
      await writeDirAtomic(path, fillWith('2'));
      expect(await readdir(dir)).toEqual(['latest']);
      expect(await readdir(path)).toEqual(['state.json']);
    });
  });

  it("a fill's own error passes unchanged and the previous folder stays", async () => {
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'latest');
      await writeDirAtomic(path, fillWith('1'));
      const bad = new Error('bad input');
      const got = await writeDirAtomic(path, () => Promise.reject(bad)).catch((e: unknown) => e);
      expect(got).toBe(bad);
      expect(await readdir(dir)).toEqual(['latest']);
      expect(await readFile(join(path, 'state.json'), 'utf8')).toBe('1');
    });
  });

  it('a write inside the fill that fails names its place in the target folder', async () => {
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'latest');
      const error = await caught(
        writeDirAtomic(path, async (tmp) => {
          await mkdir(join(tmp, 'state.json'));
          await fillWith('1')(tmp);
        }),
      );
      expect(error.message).toBe(
        `${join(path, 'state.json')}: cannot write: it is a folder, not a file`,
      );
      expect(error.path).toBe(join(path, 'state.json'));
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('a raw write inside the fill names its place in the target; a failed read of an input passes unchanged', async () => {
    await withTempDir('files', async (dir) => {
      const path = join(dir, 'latest');
      const error = await caught(
        writeDirAtomic(path, (tmp) => writeFile(join(tmp, 'sub', 'f'), 'x')),
      );
      expect(error.message).toBe(
        `${path}: cannot write: ENOENT: no such file or directory, open '${join(path, 'sub', 'f')}'`,
      );
      const input = join(dir, 'missing-input.txt');
      const read = await writeDirAtomic(path, async () => {
        await readFile(input);
      }).catch((e: unknown) => e);
      expect(read).not.toBeInstanceOf(AtomicWriteError);
      expect((read as NodeJS.ErrnoException).path).toBe(input);
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('a file where its folder should be: names the path', async () => {
    await withTempDir('files', async (dir) => {
      await writeFile(join(dir, 'ckpt'), 'keep');
      const path = join(dir, 'ckpt', 'latest');
      const error = await caught(writeDirAtomic(path, fillWith('1')));
      expect(error.message).toBe(
        `${path}: cannot write: a part of the folder ${join(dir, 'ckpt')} is a file, not a folder`,
      );
      expect(error.code).toBe('EEXIST'); // mkdir's code for a file in the way
      expect(await readFile(join(dir, 'ckpt'), 'utf8')).toBe('keep');
    });
  });
});

describe('settleAtomic after a killed folder swap', () => {
  /** A folder holding state.json = `text`. */
  const folder = async (path: string, text: string): Promise<void> => {
    await mkdir(path, { recursive: true });
    await writeFile(join(path, 'state.json'), text);
  };

  it('killed between the renames: the complete folder takes its place', async () => {
    await withTempDir('files', async (dir) => {
      const dead = deadPid();
      await folder(join(dir, tmpName('latest', dead, 7, 'done')), 'new');
      await folder(join(dir, tmpName('latest', dead, 7, 'old')), 'previous');
      await folder(join(dir, tmpName('latest', dead, 3)), 'half');
      await settleAtomic(join(dir, 'latest'));
      expect(await readdir(dir)).toEqual(['latest']);
      expect(await readFile(join(dir, 'latest', 'state.json'), 'utf8')).toBe('new');
    });
  });

  it('killed mid-fill: the half-filled folder goes, the target stays', async () => {
    await withTempDir('files', async (dir) => {
      const dead = deadPid();
      await folder(join(dir, 'latest'), 'previous');
      await folder(join(dir, tmpName('latest', dead, 9)), 'half');
      await folder(join(dir, tmpName('latest', dead, 8, 'done')), 'complete, not yet in place');
      await settleAtomic(join(dir, 'latest'));
      expect(await readdir(dir)).toEqual(['latest']);
      expect(await readFile(join(dir, 'latest', 'state.json'), 'utf8')).toBe('previous');
    });
  });

  it('a half-filled folder never takes a missing target’s place', async () => {
    await withTempDir('files', async (dir) => {
      await folder(join(dir, tmpName('latest', deadPid(), 9)), 'half');
      await settleAtomic(join(dir, 'latest'));
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('the next write settles first, then replaces', async () => {
    await withTempDir('files', async (dir) => {
      const dead = deadPid();
      await folder(join(dir, tmpName('latest', dead, 7, 'done')), 'new');
      await writeDirAtomic(join(dir, 'latest'), fillWith('newer'));
      expect(await readdir(dir)).toEqual(['latest']);
      expect(await readFile(join(dir, 'latest', 'state.json'), 'utf8')).toBe('newer');
    });
  });
});
