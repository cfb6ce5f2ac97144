/**
 * scripts/ensure-chromium.sh in a PATH the test builds: a fake chromium, a fake apt-get that
 * "installs" one, or nothing. The real apt-get is never run (no sudo on the test PATH, and
 * apt-get resolves to the fake one).
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../temp-dir.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/ensure-chromium.sh', import.meta.url));
const which = (tool: string): string =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
const BASH = which('bash');
const ID = which('id');
const CHMOD = which('chmod');
const SETPRIV = which('setpriv');
const IS_ROOT = process.getuid?.() === 0;

async function script(path: string, text: string): Promise<void> {
  await writeFile(path, `#!/bin/sh\n${text}\n`);
  await chmod(path, 0o755);
}

/** A PATH folder with `id` and the given fakes. */
async function pathDir(
  root: string,
  name: string,
  fakes: Record<string, string> = {},
): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await chmod(root, 0o755); // the setpriv runs are another user
  await chmod(dir, 0o755);
  await symlink(ID, join(dir, 'id'));
  for (const [tool, body] of Object.entries(fakes)) await script(join(dir, tool), body);
  return dir;
}

function run(path: string, env: Record<string, string> = {}, asNobody = false) {
  const command = asNobody
    ? [SETPRIV, '--reuid=65534', '--regid=65534', '--clear-groups', BASH, SCRIPT]
    : [BASH, SCRIPT];
  const r = spawnSync(command[0]!, command.slice(1), {
    encoding: 'utf8',
    env: { PATH: path, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

describe('scripts/ensure-chromium.sh', () => {
  const root = useTempDir('ensure-chromium');

  it('prints the chromium on PATH, or KALELAB_CHROMIUM when it is an executable', async () => {
    const dir = await pathDir(root(), 'has', { chromium: 'exit 0' });
    expect(run(dir)).toEqual({ status: 0, stdout: `${join(dir, 'chromium')}\n`, stderr: '' });
    const chosen = join(root(), 'my-chromium');
    await script(chosen, 'exit 0');
    expect(run(dir, { KALELAB_CHROMIUM: chosen }).stdout).toBe(`${chosen}\n`);
    const bad = run(dir, { KALELAB_CHROMIUM: join(root(), 'nope') });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      `ensure-chromium: KALELAB_CHROMIUM=${join(root(), 'nope')} is not an executable file; point it at a Chromium binary or unset it`,
    );
  });

  it('installs with apt-get when missing and root, and says when that did not help', async () => {
    const dir = join(root(), 'apt');
    await pathDir(root(), 'apt', {
      'apt-get': `echo "apt-get $*" >> ${dir}/log\ncase "$*" in *install*) printf '#!/bin/sh\\n' > ${dir}/chromium; ${CHMOD} +x ${dir}/chromium;; esac`,
    });
    // As root it installs; as another user (setpriv, when the test runs as root) it cannot.
    if (IS_ROOT) {
      const r = run(dir);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${join(dir, 'chromium')}\n`);
      expect(spawnSync('cat', [join(dir, 'log')], { encoding: 'utf8' }).stdout).toBe(
        'apt-get update\napt-get install -y chromium\n',
      );
      const broken = await pathDir(root(), 'apt-broken', { 'apt-get': 'exit 0' });
      const r2 = run(broken);
      expect(r2.status).toBe(1);
      expect(r2.stderr).toContain(
        `ensure-chromium: apt-get installed chromium, but there is no chromium on PATH (${broken}); run with KALELAB_CHROMIUM=/usr/bin/chromium`,
      );
    }
    const user = run(await pathDir(root(), 'apt-user', { 'apt-get': 'exit 3' }), {}, IS_ROOT);
    expect(user).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'ensure-chromium: Chromium is missing and installing it needs root; run:  sudo apt-get install -y chromium',
    });
  });

  it('says what to do on a machine without apt-get', async () => {
    const r = run(await pathDir(root(), 'bare'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'ensure-chromium: Chromium is missing and this is not a Debian/Ubuntu machine: install Chromium, then run with KALELAB_CHROMIUM=/path/to/chromium',
    );
  });
});
