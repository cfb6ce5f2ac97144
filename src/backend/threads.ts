/**
 * Threaded wasm in Node: tfjs-backend-wasm 4.22 ships a threaded SIMD build (XNNPACK on a
 * pthread pool) whose emscripten glue supports Node's worker_threads, but tfjs refuses it
 * in Node (tfjs issue 3830). Three shims make it run, all installed by `prepareWasmThreads`
 * just before `tf.setBackend('wasm')`:
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is set true (its detector returns false when IS_NODE).
 * 2. tfjs hands each pthread a `blob:` URL for its script, which Node's Worker cannot load:
 *    while the backend starts, `worker_threads.Worker` is a subclass that runs the worker
 *    script's source for such a URL (the glue keeps it as the global `Worker`), and points
 *    the pthreads' `load` message (the glue to import, a Blob in tfjs) at the glue file in
 *    the package. The subclass also keeps the pthreads unreferenced: the
 *    glue references a worker while it runs a pthread, and XNNPACK's pool threads never end,
 *    so the process would never exit. They only compute while the main thread waits inside a
 *    kernel, so nothing is lost when the event loop ends.
 * 3. backend.cc caps the pool at half the logical cores the glue reads from `os.cpus()`;
 *    `os.cpus()` reports 2 × threads while the backend initialises. Both are then restored.
 *
 * These reach into tfjs internals: `checkWasmThreadShims` says what an upgrade broke (the
 * tests call it), and `initBackend` falls back to one thread, saying why, when it fails.
 * It deliberately does nothing for one thread: that is the unthreaded SIMD build, as before.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import workerThreads, { type WorkerOptions } from 'node:worker_threads';

/** The environment variable that sets the thread count (default: every core). */
export const THREADS_ENV = 'KALELAB_THREADS';

const require = createRequire(import.meta.url);
const PKG = '@tensorflow/tfjs-backend-wasm';
const GLUE = `${PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.js`;
const WORKER = `${PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`;

/** Cores Node may use (`os.availableParallelism`, which honours CPU affinity). */
export function availableCores(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * Threads for the wasm backend: `KALELAB_THREADS` if set (a positive integer), else every
 * core. Throws on anything else, naming the variable.
 */
export function requestedThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[THREADS_ENV];
  if (raw === undefined || raw.trim() === '') return availableCores();
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${THREADS_ENV}: expected a positive integer, got "${raw}"`);
  }
  return n;
}

interface ShimFiles {
  readonly glue: string;
  readonly workerSource: string;
}

/**
 * Checks what the shims rely on in the installed tfjs-backend-wasm and returns the files
 * they use; throws naming the first thing a tfjs upgrade changed.
 */
export function checkWasmThreadShims(): ShimFiles {
  const fail = (what: string): never => {
    throw new Error(`threaded wasm shim: ${PKG} changed (${what}); see src/backend/threads.ts`);
  };
  const glue = require.resolve(GLUE);
  const node = readFileSync(require.resolve(PKG), 'utf8'); // the Node bundle tfjs loads
  if (
    !existsSync(glue) ||
    !readFileSync(glue, 'utf8').includes('var WasmBackendModuleThreadedSimd')
  )
    fail('the threaded glue no longer defines WasmBackendModuleThreadedSimd');
  const cores =
    /_emscripten_num_logical_cores\(\)\s*\{\s*if \(ENVIRONMENT_IS_NODE\)\s*return [\w$]+\.cpus\(\)\.length/;
  if (!cores.test(node) || !node.includes("require('os')"))
    fail('the glue no longer counts cores with os.cpus()');
  if (!node.includes('mainScriptUrlOrBlob') || !node.includes("path.endsWith('.worker.js')"))
    fail('the pthread script is no longer handed over as a blob: URL');
  const contents = (require(WORKER) as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  if (typeof contents !== 'string' || !contents.includes('e.data.urlOrBlob=="string"'))
    fail('the pthread worker script no longer takes the glue from its load message');
  // As tfjs does before making its Blob: the template literal holds raw newlines in strings.
  return { glue, workerSource: (contents as string).replace(/\n/g, '\\n') };
}

let PthreadWorker: typeof workerThreads.Worker | undefined;

/** A Worker that runs tfjs' pthread script for its blob: URL; any other Worker is untouched. */
function pthreadWorkerClass(files: ShimFiles): typeof workerThreads.Worker {
  if (PthreadWorker) return PthreadWorker;
  const Base = workerThreads.Worker;
  PthreadWorker = class extends Base {
    private readonly pthread: boolean;
    constructor(url: string | URL, options?: WorkerOptions) {
      const blob = typeof url === 'string' && url.startsWith('blob:');
      super(blob ? files.workerSource : url, blob ? { ...options, eval: true } : options);
      this.pthread = blob;
    }
    override postMessage(message: unknown, transfer?: readonly workerThreads.Transferable[]): void {
      const m = message as { cmd?: unknown; urlOrBlob?: unknown } | null;
      const load = this.pthread && m !== null && typeof m === 'object' && m.cmd === 'load';
      const fixed = load && typeof m.urlOrBlob !== 'string' ? { ...m, urlOrBlob: files.glue } : m;
      super.postMessage(fixed, transfer);
    }
    // See the header: pool threads never end, and must not keep the process alive.
    override ref(): void {
      if (!this.pthread) super.ref();
    }
  };
  return PthreadWorker;
}

/**
 * Installs the shims for `threads` (> 1) and tells tfjs the count. Call right before
 * `tf.setBackend('wasm')`, then `restore()` right after (it puts `os.cpus` back).
 */
export function prepareWasmThreads(
  threads: number,
  setThreadsCount: (n: number) => void,
): { restore: () => void } {
  if (threads <= 1) return { restore: () => undefined };
  const Shim = pthreadWorkerClass(checkWasmThreadShims());
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  // The glue copies worker_threads.Worker into the global `Worker` it uses from then on, so
  // both are put back once the backend has started; `Worker` stays the shim, for tfjs.
  const { Worker } = workerThreads;
  const cpus = os.cpus;
  const one = cpus()[0]; // the glue only counts them
  workerThreads.Worker = Shim;
  os.cpus = () => (one === undefined ? [] : Array.from({ length: 2 * threads }, () => one));
  return {
    restore: () => {
      os.cpus = cpus;
      workerThreads.Worker = Worker;
    },
  };
}
