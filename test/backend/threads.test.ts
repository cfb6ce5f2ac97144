import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import workerThreads from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  THREADS_ENV,
  availableCores,
  checkWasmThreadShims,
  requestedThreads,
} from '../../src/backend/threads.js';

const NodeWorker = workerThreads.Worker;
const cores = os.cpus().length;
const script = fileURLToPath(new URL('../fixtures/backend/train-steps.ts', import.meta.url));

interface ChildResult {
  readonly code: number | null;
  readonly report: { name: string; threads: number; attempts: { note: string }[] };
  readonly losses: number[];
  readonly paramsSha256: string;
}

/** Runs the training fixture in its own process (threads are fixed per process). */
function trainInChild(env: Record<string, string>, timeoutMs = 90_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // A child that prints its result and then hangs has left a pthread referenced.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`child did not exit within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`),
      );
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
      resolve({ code, ...(JSON.parse(out.trim()) as Omit<ChildResult, 'code'>) });
    });
  });
}

describe('requestedThreads', () => {
  it('defaults to every core and reads KALELAB_THREADS', () => {
    expect(requestedThreads({})).toBe(availableCores());
    expect(requestedThreads({ [THREADS_ENV]: '' })).toBe(availableCores());
    expect(requestedThreads({ [THREADS_ENV]: ' 3 ' })).toBe(3);
  });

  it('rejects anything but a positive integer, naming the variable', () => {
    for (const bad of ['0', '-2', '1.5', 'all'])
      expect(() => requestedThreads({ [THREADS_ENV]: bad })).toThrow(
        `KALELAB_THREADS: expected a positive integer, got "${bad}"`,
      );
  });
});

describe('the threaded wasm shims', () => {
  // Fails loudly, naming what changed, when a tfjs upgrade moves what the shims patch.
  it('find what they patch in the installed tfjs-backend-wasm', () => {
    const files = checkWasmThreadShims();
    expect(files.glue).toMatch(/tfjs-backend-wasm-threaded-simd\.js$/);
    expect(files.workerSource).toContain('importScripts');
    expect(files.workerSource).not.toMatch(/\n/); // escaped as tfjs escapes it
  });

  it('start wasm on 2 threads in this process, and say so', async () => {
    process.env[THREADS_ENV] = '2';
    try {
      const report = await initBackend({ prefer: 'wasm', announce: false });
      expect(report.threads).toBe(2);
      expect(report.attempts.at(-1)?.note).toBe('2 threads'); // not "threaded build failed"
      // The shims are gone once the backend runs: other code sees Node's own.
      expect(workerThreads.Worker).toBe(NodeWorker);
      expect(os.cpus().length).toBe(cores);
      const a = tf.randomUniform([64, 96], -1, 1, 'float32', 1);
      const b = tf.randomUniform([96, 32], -1, 1, 'float32', 2);
      const got = tf.matMul(a, b);
      // The same product in float64 from the same inputs.
      const [x, y] = [a.arraySync() as number[][], b.arraySync() as number[][]];
      const want = x.map((row) =>
        y[0]!.map((_, j) => row.reduce((s, v, k) => s + v * y[k]![j]!, 0)),
      );
      const g = got.arraySync() as number[][];
      const err = Math.max(...g.flatMap((row, i) => row.map((v, j) => Math.abs(v - want[i]![j]!))));
      expect(err).toBeLessThan(1e-4);
      tf.dispose([a, b, got]);
    } finally {
      delete process.env[THREADS_ENV];
    }
  });
});

describe('threaded training', () => {
  it('gives bit-identical parameters on 2 threads and 1, and the process exits', async () => {
    const [one, two] = await Promise.all([
      trainInChild({ KALELAB_BACKEND: 'wasm', [THREADS_ENV]: '1' }),
      trainInChild({ KALELAB_BACKEND: 'wasm', [THREADS_ENV]: '2' }),
    ]);
    expect(one.report.threads).toBe(1);
    expect(two.report.threads).toBe(2);
    expect(two.report.attempts.at(-1)?.note).toBe('2 threads');
    expect(two.losses).toEqual(one.losses);
    expect(two.paramsSha256).toBe(one.paramsSha256);
    expect(two.losses[2]!).toBeLessThan(two.losses[0]!); // it did train
  });
});
