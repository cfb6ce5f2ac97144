import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import {
  checkInitCheckpoint,
  checkOutputFolder,
  checkWordVectors,
  preflightExperiment,
} from '../../src/experiment/index.js';
import { useTempDir } from '../temp-dir.js';
import { TINY_GRID } from './synthetic-dataset.js';

const TINY_MODEL = fileURLToPath(new URL('../fixtures/model/tiny/', import.meta.url));
const PREFLIGHT = fileURLToPath(new URL('../../src/experiment/preflight.ts', import.meta.url));
const IS_ROOT = process.getuid?.() === 0;

/** A small BEIR folder with train and test qrels (or only `splits`). */
async function writeBeir(dir: string, splits = ['train', 'test']): Promise<string> {
  await mkdir(join(dir, 'qrels'), { recursive: true });
  await writeFile(
    join(dir, 'corpus.jsonl'),
    '{"_id":"d1","text":"one"}\n{"_id":"d2","text":"two"}\n',
  );
  await writeFile(
    join(dir, 'queries.jsonl'),
    '{"_id":"q1","text":"first"}\n{"_id":"q2","text":"second"}\n',
  );
  for (const [i, s] of splits.entries())
    await writeFile(
      join(dir, 'qrels', `${s}.tsv`),
      `query-id\tcorpus-id\tscore\nq${i + 1}\td1\t1\n`,
    );
  return dir;
}

/** Every folder under `dir` (recursive), relative. */
async function folders(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

describe('preflightExperiment', () => {
  const root = useTempDir('preflight');
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', announce: false });
  });

  it('loads every dataset and makes --out, leaving nothing in it', async () => {
    const a = await writeBeir(join(root(), 'ok-a'));
    const b = await writeBeir(join(root(), 'ok-b'));
    const out = join(root(), 'out-ok', 'nested');
    const datasets = await preflightExperiment({
      datasets: [`beir:${a}`, `beir:${b}`],
      out,
      grid: TINY_GRID,
    });
    expect(datasets.map((d) => Object.keys(d.corpus).length)).toEqual([2, 2]);
    expect(await readdir(out)).toEqual([]);
  });

  it('fails on the second of two datasets before anything is written in --out', async () => {
    const ok = await writeBeir(join(root(), 'first'));
    const missing = join(root(), 'nope');
    const out = join(root(), 'out-second');
    await expect(
      preflightExperiment({ datasets: [`beir:${ok}`, `beir:${missing}`], out, grid: TINY_GRID }),
    ).rejects.toThrow(`--dataset beir:${missing} (2 of 2): `);
    expect(await folders(out)).toEqual([]);
    // A spec that does not parse fails before --out is even made.
    const out2 = join(root(), 'out-spec');
    await expect(
      preflightExperiment({ datasets: [`beir:${ok}`, 'foo:x'], out: out2, grid: TINY_GRID }),
    ).rejects.toThrow(/--dataset foo:x \(2 of 2\): dataset spec "foo:x": unknown kind "foo"/);
    expect(existsSync(out2)).toBe(false);
  });

  it('fails on a dataset without the train or test split the grid needs', async () => {
    const testOnly = await writeBeir(join(root(), 'test-only'), ['test']);
    await expect(
      preflightExperiment({
        datasets: [`beir:${testOnly}`],
        out: join(root(), 'o'),
        grid: TINY_GRID,
      }),
    ).rejects.toThrow(
      /--dataset beir:.*test-only: the grid needs a train and a test split; .* has no train split \(has: test\)/,
    );
  });

  it('checks --depths against the init checkpoint, else against the grid model', async () => {
    const ok = await writeBeir(join(root(), 'depths'));
    const options = { datasets: [`beir:${ok}`], out: join(root(), 'out-depths') };
    // TINY_GRID's model has 2 layers, the tiny checkpoint 4: depths 2 and 3 need the checkpoint.
    await expect(
      preflightExperiment({ ...options, grid: { ...TINY_GRID, queryDepths: [1, 2, 3] } }),
    ).rejects.toThrow(
      "--depths: the grid's full model has 2 layers, so every query depth (--depths) must be in 1…1; got 2, 3",
    );
    await expect(
      preflightExperiment({
        ...options,
        init: TINY_MODEL,
        grid: { ...TINY_GRID, queryDepths: [1, 2, 3] },
      }),
    ).resolves.toHaveLength(1);
  });

  it('fails on no dataset at all', async () => {
    await expect(
      preflightExperiment({ datasets: [], out: join(root(), 'none'), grid: TINY_GRID }),
    ).rejects.toThrow('--dataset: no dataset spec given');
  });

  it('checks --word-vectors, but not when --init replaces them', async () => {
    const ok = await writeBeir(join(root(), 'wv'));
    const vectors = join(root(), 'bad-vectors.txt');
    await writeFile(vectors, 'bank 1 x\n');
    const options = { datasets: [`beir:${ok}`], out: join(root(), 'out-wv') };
    await expect(
      preflightExperiment({ ...options, grid: { ...TINY_GRID, wordVectors: vectors } }),
    ).rejects.toThrow(`--word-vectors: ${vectors}:1: value 2 of "bank" is not a number`);
    await expect(
      preflightExperiment({
        ...options,
        init: TINY_MODEL,
        grid: { ...TINY_GRID, wordVectors: vectors },
      }),
    ).resolves.toHaveLength(1);
    await expect(checkWordVectors('wink')).resolves.toBeUndefined();
    await expect(checkWordVectors(null)).resolves.toBeUndefined();
  });
});

describe('checkInitCheckpoint', () => {
  const root = useTempDir('preflight-init');
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', announce: false });
  });

  /** The tiny 4-layer checkpoint copied, with config.json fields replaced. */
  async function checkpoint(name: string, config: Record<string, unknown> = {}): Promise<string> {
    const dir = join(root(), name);
    await cp(TINY_MODEL, dir, { recursive: true });
    const base = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as object;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...base, ...config }));
    return dir;
  }

  it('accepts depths 1…L−1 of an L-layer checkpoint, loads it once and frees it', async () => {
    const before = tf.memory().numTensors;
    await checkInitCheckpoint(TINY_MODEL, [1, 2, 3]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a depth the checkpoint cannot be pruned to, naming --init and config.json', async () => {
    await expect(checkInitCheckpoint(TINY_MODEL, [1, 4])).rejects.toThrow(
      `--init ${TINY_MODEL}: ${join(TINY_MODEL, 'config.json')} has num_hidden_layers 4, so every query depth (--depths) must be in 1…3; got 4`,
    );
    const two = await checkpoint('two', { num_hidden_layers: 2 });
    await expect(checkInitCheckpoint(two, [2])).rejects.toThrow(
      /num_hidden_layers 2, .* in 1…1; got 2/,
    );
    const one = await checkpoint('one', { num_hidden_layers: 1 });
    await expect(checkInitCheckpoint(one, [1])).rejects.toThrow(
      /num_hidden_layers 1; pruning needs a model of at least 2 layers/,
    );
  });

  it('refuses a missing or malformed checkpoint, naming --init and the file', async () => {
    const missing = join(root(), 'missing');
    await expect(checkInitCheckpoint(missing, [1])).rejects.toThrow(
      `--init ${missing}: cannot read ${join(missing, 'config.json')} (ENOENT)`,
    );
    const notJson = await checkpoint('not-json');
    await writeFile(join(notJson, 'config.json'), '{"num_hidden_layers": 4,');
    await expect(checkInitCheckpoint(notJson, [1])).rejects.toThrow(
      new RegExp(`--init ${notJson}: ${join(notJson, 'config.json')}`),
    );
    const huge = await checkpoint('huge', { num_hidden_layers: 1e6 });
    await expect(checkInitCheckpoint(huge, [1])).rejects.toThrow(
      /"num_hidden_layers" must be an integer/,
    );
    const noWeights = await checkpoint('no-weights');
    await rm(join(noWeights, 'model.safetensors'));
    await expect(checkInitCheckpoint(noWeights, [1])).rejects.toThrow(
      `--init ${noWeights}: ${noWeights}: no model.safetensors`,
    );
    const cut = await checkpoint('cut');
    const bytes = await readFile(join(cut, 'model.safetensors'));
    await writeFile(join(cut, 'model.safetensors'), bytes.subarray(0, bytes.length - 100));
    await expect(checkInitCheckpoint(cut, [1])).rejects.toThrow(
      new RegExp(`--init ${cut}: .*model\\.safetensors`),
    );
  });
});

describe('checkOutputFolder', () => {
  const root = useTempDir('preflight-out');

  it('makes a missing folder and removes its probe', async () => {
    const out = join(root(), 'a', 'b');
    await checkOutputFolder(out);
    expect(await readdir(out)).toEqual([]);
    await checkOutputFolder(out); // an existing folder is fine too
  });

  it('refuses a file and a path under a file, naming --out and not the probe', async () => {
    const file = join(root(), 'file');
    await writeFile(file, 'x');
    await expect(checkOutputFolder(file)).rejects.toThrow(
      `--out ${file}: exists and is not a folder`,
    );
    await expect(checkOutputFolder(join(file, 'sub'))).rejects.toThrow(
      `--out ${join(file, 'sub')}: cannot use it as a folder (ENOTDIR)`,
    );
  });

  it('refuses a read-only folder', async () => {
    const dir = join(root(), 'ro');
    await mkdir(dir);
    await chmod(dir, 0o555);
    if (!IS_ROOT) {
      await expect(checkOutputFolder(dir)).rejects.toThrow(
        `--out ${dir}: the folder is not writable (EACCES)`,
      );
      return;
    }
    // root writes anywhere: run the check as user nobody instead.
    const setpriv = spawnSync('sh', ['-c', 'command -v setpriv'], {
      encoding: 'utf8',
    }).stdout.trim();
    if (setpriv === '')
      throw new Error('this test, run as root, needs setpriv (util-linux) to act as another user');
    await chmod(root(), 0o755);
    const script = `import(${JSON.stringify(PREFLIGHT)}).then((m) => m.checkOutputFolder(${JSON.stringify(dir)})).then(() => console.log('accepted'), (e) => console.log(e.message))`;
    const r = spawnSync(
      setpriv,
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        '--import',
        'tsx',
        '-e',
        script,
      ],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    expect(r.stdout.trim() + r.stderr.trim()).toBe(
      `--out ${dir}: the folder is not writable (EACCES)`,
    );
  });
});
