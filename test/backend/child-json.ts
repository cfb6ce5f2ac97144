/**
 * Runs a test fixture script in a fresh Node process on the wasm backend with `threads`
 * threads (KALELAB_THREADS) and returns the JSON of its last stdout line: for tests that
 * need a backend started with another thread count than the test process's.
 */
import { spawn } from 'node:child_process';
import { THREADS_ENV } from '../../src/backend/threads.js';

export function jsonFromChild(script: string, threads: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, [THREADS_ENV]: String(threads) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}
