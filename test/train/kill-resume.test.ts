import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { silentProgress } from '../../src/util/index.js';
import {
  disposeDualEncoder,
  dualParameters,
  loadDualEncoder,
  trainDualEncoder,
} from '../../src/train/index.js';
import { TINY_TRAIN, tinyDataset, tinyResumeDual, tinyTokenizer } from './tiny-setup.js';
import { useTempDir } from '../temp-dir.js';

const script = fileURLToPath(new URL('../fault/children/train.ts', import.meta.url));
const scratch = useTempDir('kill');

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

/** Runs the child; with `killAt`, SIGKILLs it as soon as it reports that checkpoint. */
function runChild(
  args: string[],
  killAt?: number,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = [...out.matchAll(/checkpoint (\d+)/g)].map((x) => Number(x[1]));
      if (killAt !== undefined && m.some((s) => s >= killAt)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child exited ${code}: ${err}`));
      else resolve({ code, signal, out });
    });
  });
}

it('a run killed with SIGKILL mid-way resumes to the same weights and losses as an uninterrupted run', async () => {
  const ckpt = join(scratch(), 'ckpt');
  const out = join(scratch(), 'out');
  // 1. Killed right after its step-2 checkpoint, while sleeping 400 ms per step.
  const killed = await runChild([ckpt, out, '400'], 2);
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.out).not.toContain('done');
  // 2. A new process resumes from the checkpoint and finishes.
  const resumed = await runChild([ckpt, out, '0']);
  expect(resumed.out).toContain('done');
  const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as {
    resumedFrom: number;
    losses: number[];
  };
  expect(result.resumedFrom).toBeGreaterThanOrEqual(2);
  expect(result.resumedFrom).toBeLessThan(TINY_TRAIN.steps);

  // 3. The same training uninterrupted, in this process.
  const dataset = tinyDataset();
  const tokenizer = tinyTokenizer(dataset);
  const dual = tinyResumeDual(tokenizer);
  const straight = await trainDualEncoder(dual, tokenizer, dataset, TINY_TRAIN, {
    progress: silentProgress,
  });
  expect(result.losses).toEqual(straight.history.map((h) => h.loss));
  const loaded = await loadDualEncoder(join(out, 'model'));
  const mine = dualParameters(dual);
  const theirs = new Map(dualParameters(loaded.dual).map((p) => [p.name, p.variable]));
  expect(mine.map((p) => p.name)).toEqual([...theirs.keys()]);
  for (const p of mine)
    expect(Array.from(theirs.get(p.name)!.dataSync()), p.name).toEqual(
      Array.from(p.variable.dataSync()),
    );
  disposeDualEncoder(dual);
  disposeDualEncoder(loaded.dual);
});
