/**
 * The CLI uses the paths it is given as given, never through a shell, and writes nothing
 * but its output: `encode`, `eval-run` and `dataset` run in a fresh folder (their own
 * cwd, HOME and TMPDIR inside it) on inputs whose names hold shell syntax (`$(…)`, `;`,
 * quotes, backticks, spaces). Every file in the folder is listed before and after: only
 * the --out file is new, no input changed, and no command the names spell ever ran.
 * A checkpoint folder holding only pickled weights is refused, pointing to safetensors.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../temp-dir.js';

const CLI = fileURLToPath(new URL('./cli-child.ts', import.meta.url));
/** tsx's loader by absolute URL: the child runs in a folder with no node_modules. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const fixture = (p: string): string => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const HOSTILE = 'x $(touch PWNED) ; touch PWNED2 `touch PWNED3` \'q\' "d" &';

function kalelab(
  root: string,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd: join(root, 'cwd'),
      env: {
        ...process.env,
        HOME: join(root, 'home'),
        TMPDIR: join(root, 'tmp'),
        KALELAB_QUIET: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** path → sha256 of every file under `root`. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const out = new Map<string, string>();
  for (const e of entries.filter((x) => x.isFile())) {
    const path = join(e.parentPath, e.name);
    out.set(
      relative(root, path),
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  }
  return out;
}

/**
 * Files added or changed between two snapshots. tsx's transform cache (TMPDIR/tsx-<uid>/)
 * is left out: it belongs to running from source here, not to kalelab (bin/ runs dist/).
 */
function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after]
    .filter(([p, h]) => before.get(p) !== h && !/^tmp[/\\]tsx-/.test(p))
    .map(([p]) => p)
    .sort();
}

describe('the CLI writes only its output, and only where it is told', () => {
  const scratch = useTempDir('security-cli');

  async function setUp(): Promise<string> {
    const root = join(scratch(), `case-${Math.random().toString(36).slice(2)}`);
    for (const d of ['cwd', 'home', 'tmp', 'in']) await mkdir(join(root, d), { recursive: true });
    return root;
  }

  it('encode: writes the --out file and nothing else; names with shell syntax are plain names', async () => {
    const root = await setUp();
    const model = join(root, 'in', `model ${HOSTILE}`);
    await cp(fixture('model/tiny'), model, { recursive: true });
    const input = join(root, 'in', `texts ${HOSTILE}.jsonl`);
    await writeFile(
      input,
      '{"id":"a","text":"hello world"}\n{"id":"b","text":"the capital city"}\n',
    );
    // an existing folder: a missing one is issue 19's "--out names a hidden temporary file"
    const out = join(root, 'out dir', `emb ${HOSTILE}.jsonl`);
    await mkdir(join(root, 'out dir'));
    const before = await snapshot(root);
    const r = await kalelab(root, ['encode', '--model', model, '--input', input, '--out', out]);
    expect(r.code, r.err.slice(-2000)).toBe(0);
    const after = await snapshot(root);
    expect(changed(before, after)).toEqual([relative(root, out)]);
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id)).toEqual(['a', 'b']);
    expect(
      [...after.keys()].some(
        (p) => p.includes('PWNED') && !p.startsWith('in') && !p.startsWith('out dir'),
      ),
    ).toBe(false);
  });

  it('eval-run and dataset: read their inputs by the names given and write no file at all', async () => {
    const root = await setUp();
    const qrels = join(root, 'in', `qrels ${HOSTILE}.txt`);
    const run = join(root, 'in', `run ${HOSTILE}.txt`);
    await cp(fixture('eval/qrels.txt'), qrels);
    await cp(fixture('eval/run.txt'), run);
    const beir = join(root, 'in', `beir ${HOSTILE}`);
    await cp(fixture('data/beir-mini'), beir, { recursive: true });
    const before = await snapshot(root);
    const e = await kalelab(root, [
      'eval-run',
      '--qrels',
      qrels,
      '--run',
      run,
      '--metrics',
      'map',
      '--json',
    ]);
    expect(e.code, e.err).toBe(0);
    expect((JSON.parse(e.out) as { aggregate: { map: number } }).aggregate.map).toBeGreaterThan(0);
    const d = await kalelab(root, ['dataset', '--dataset', `beir:${beir}`, '--json']);
    expect(d.code, d.err).toBe(0);
    expect(changed(before, await snapshot(root))).toEqual([]);
  });

  it('a checkpoint with only pytorch_model.bin is refused with a pointer to safetensors', async () => {
    const root = await setUp();
    const model = join(root, 'in', 'pickled');
    await mkdir(model);
    for (const f of ['config.json', 'vocab.txt'])
      await cp(fixture(`model/tiny/${f}`), join(model, f));
    // a pickle whose loading would run `touch PWNED` (protocol 2: GLOBAL posix.system, REDUCE)
    await writeFile(
      join(model, 'pytorch_model.bin'),
      Buffer.from(
        '\x80\x02cposix\nsystem\nq\x00X\x0b\x00\x00\x00touch PWNEDq\x01\x85q\x02Rq\x03.',
        'latin1',
      ),
    );
    const input = join(root, 'in', 't.jsonl');
    await writeFile(input, '{"id":"a","text":"x"}\n');
    const before = await snapshot(root);
    const r = await kalelab(root, [
      'encode',
      '--model',
      model,
      '--input',
      input,
      '--out',
      join(root, 'o.jsonl'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/pytorch_model\.bin/);
    expect(r.err).toMatch(/safetensors/);
    expect(r.err).toMatch(/never reads pickled/);
    expect(changed(before, await snapshot(root))).toEqual([]);
  });
});
