/**
 * Picks the fastest TensorFlow.js backend this machine can run and says why.
 *
 * Order: `tensorflow` (native libtensorflow through @tensorflow/tfjs-node-gpu, then
 * @tensorflow/tfjs-node — the GPU path for users with CUDA), `wasm` (XNNPACK with SIMD, on
 * `KALELAB_THREADS` threads, default every core: threads.ts), `cpu` (plain JavaScript). `KALELAB_BACKEND` overrides the
 * order. The native packages are optional: their absence is the normal case and costs one
 * line in the report, never a stack trace.
 *
 * `webgpu` (Dawn, webgpu.ts) starts only when named: `KALELAB_BACKEND=webgpu` (which also
 * accepts a software adapter such as lavapipe) or a list naming it (a GPU adapter only).
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './kernels.js';
import { prepareWasmThreads, requestedThreads, THREADS_ENV } from './threads.js';
import { startWebgpu, type WebgpuStart } from './webgpu.js';
import { isOneOf, nameList, unknownName } from '../util/names.js';

/** Every backend `KALELAB_BACKEND` may name. */
export const BACKEND_NAMES = nameList('tensorflow', 'webgpu', 'wasm', 'cpu');
export type BackendName = (typeof BACKEND_NAMES)[number];
/**
 * The order tried when nothing is named. webgpu is not in it yet: it cannot read tensors
 * synchronously (webgpu.ts), and training, encoding and evaluation still do; with it first,
 * a GPU machine would pick it and fail at the first read. Name it to use it.
 */
export const DEFAULT_ORDER: readonly BackendName[] = Object.freeze(['tensorflow', 'wasm', 'cpu']);

export interface BackendOptions {
  /** Backends to try, in order. Default: `KALELAB_BACKEND` if set, else `DEFAULT_ORDER`. */
  readonly prefer?: readonly BackendName[] | BackendName;
  /** Print the one-line report once (default true; the CLI and notebooks want it, tests do not). */
  readonly announce?: boolean;
}

export interface BackendAttempt {
  readonly name: BackendName;
  readonly ok: boolean;
  /** Why it was chosen or skipped, in one line. */
  readonly note: string;
}

export interface BackendReport {
  readonly name: BackendName;
  readonly gpu: boolean;
  readonly threads: number;
  readonly simd: boolean;
  readonly tfjsVersion: string;
  /** webgpu: the adapter Dawn chose (its description). */
  readonly adapter?: string;
  /** Why this backend: the override, or the attempts that came before it. */
  readonly reason: string;
  readonly attempts: readonly BackendAttempt[];
}

let active: BackendReport | undefined;
let webgpuAdapter: WebgpuStart | undefined;
let announced = false;

/** Parses `KALELAB_BACKEND` (or any user string) into a backend list; throws on unknown names. */
export function parseBackendList(value: string): BackendName[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  for (const name of names)
    if (!isOneOf(BACKEND_NAMES, name))
      throw unknownName('backend', name, BACKEND_NAMES, 'KALELAB_BACKEND');
  if (names.length === 0)
    throw new Error('KALELAB_BACKEND is empty; allowed: ' + BACKEND_NAMES.join(', '));
  return names as BackendName[];
}

/**
 * Initialises a backend and returns what was chosen. Calling it again with no
 * `prefer` returns the active report; with a different `prefer` it switches.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendReport> {
  const env = process.env['KALELAB_BACKEND'];
  const fromEnv = options.prefer === undefined && env !== undefined && env !== '';
  const order: readonly BackendName[] =
    options.prefer === undefined
      ? fromEnv
        ? parseBackendList(env)
        : DEFAULT_ORDER
      : typeof options.prefer === 'string'
        ? [options.prefer]
        : options.prefer;
  if (active && options.prefer === undefined && active.name === order[0]) return active;

  if (order.includes('wasm')) requestedThreads(); // a bad KALELAB_THREADS throws here, not later
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const attempt = await tryBackend(name, order.length === 1);
    attempts.push(attempt);
    if (attempt.ok) {
      active = await describe(name, attempts, fromEnv ? `KALELAB_BACKEND=${env}` : undefined);
      if (options.announce ?? true) announce(active);
      return active;
    }
  }
  throw new Error(
    'no TensorFlow.js backend could start: ' +
      attempts.map((a) => `${a.name}: ${a.note}`).join('; '),
  );
}

/** The report of the active backend, if `initBackend` has run. */
export function activeBackend(): BackendReport | undefined {
  return active;
}

/** One line for a terminal or a notebook. */
export function formatBackendReport(report: BackendReport): string {
  if (report.name === 'webgpu') {
    const on = `${report.gpu ? 'GPU' : 'software adapter'}: ${report.adapter ?? 'unknown'}`;
    return `kalelab backend: webgpu (${on}) — ${report.reason}`;
  }
  const kind = report.gpu ? 'GPU' : 'CPU';
  const simd = report.name === 'wasm' ? (report.simd ? ', SIMD' : ', no SIMD') : '';
  return `kalelab backend: ${report.name} (${kind}, ${report.threads} thread${report.threads === 1 ? '' : 's'}${simd}) — ${report.reason}`;
}

function announce(report: BackendReport): void {
  if (announced) return;
  announced = true;
  process.stderr.write(formatBackendReport(report) + '\n');
}

/** `named`: the user asked for this backend alone, so a software WebGPU adapter will do. */
async function tryBackend(name: BackendName, named: boolean): Promise<BackendAttempt> {
  try {
    if (name === 'webgpu') {
      const started = await startWebgpu(named);
      webgpuAdapter = started.ok ? started : undefined;
      return { name, ok: started.ok, note: started.note };
    }
    if (name === 'tensorflow') {
      const loaded = await loadNativeTensorflow();
      if (!loaded.ok) return { name, ok: false, note: loaded.note };
      const ok = await tf.setBackend(name);
      return ok
        ? { name, ok: true, note: `native libtensorflow via ${loaded.note}` }
        : { name, ok: false, note: `${loaded.note} loaded but tf.setBackend returned false` };
    } else if (name === 'wasm') {
      return await startWasm();
    }
    // The cpu backend's first use prints a banner urging tfjs-node; kalelab's own report
    // already says which backend runs and why. PROD only silences tfjs' console warnings.
    if (name === 'cpu') tf.env().set('PROD', true);
    // setBackend resolves false (it does not throw) when a backend fails to initialise.
    const ok = await tf.setBackend(name);
    if (!ok) return { name, ok: false, note: 'tf.setBackend returned false' };
    await tf.ready();
    return { name, ok: true, note: 'ready' };
  } catch (error) {
    return { name, ok: false, note: firstLine(error) };
  }
}

/**
 * wasm with `KALELAB_THREADS` threads (default: every core) through the shims of
 * threads.ts; if the threaded build fails to start, the unthreaded one, saying why.
 */
async function startWasm(): Promise<BackendAttempt> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threads = requestedThreads();
  const set = process.env[THREADS_ENV] !== undefined && process.env[THREADS_ENV] !== '';
  let note = threads > 1 ? `${threads} threads` : `1 thread (${set ? THREADS_ENV : 'one core'})`;
  let started = false;
  if (threads > 1) {
    try {
      const { restore } = prepareWasmThreads(threads, wasm.setThreadsCount);
      try {
        started = await tf.setBackend('wasm');
      } finally {
        restore();
      }
      if (!started) throw new Error('tf.setBackend returned false');
    } catch (error) {
      note = `threaded build failed (${firstLine(error)}); 1 thread`;
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setThreadsCount(1);
    }
  }
  // setBackend resolves false (it does not throw) when a backend fails to initialise.
  if (!started && !(await tf.setBackend('wasm')))
    return { name: 'wasm', ok: false, note: 'tf.setBackend returned false' };
  await tf.ready();
  registerWasmKernels();
  return { name: 'wasm', ok: true, note };
}

async function loadNativeTensorflow(): Promise<{ ok: boolean; note: string }> {
  const notes: string[] = [];
  const packages: readonly string[] = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
  for (const pkg of packages) {
    try {
      await import(pkg);
      // danfojs-node's override aliases @tensorflow/tfjs-node to plain tfjs: that is not native.
      if (tf.findBackendFactory('tensorflow') !== null) return { ok: true, note: pkg };
      notes.push(`${pkg} is installed without a native binding`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      notes.push(
        code === 'ERR_MODULE_NOT_FOUND'
          ? `${pkg} not installed`
          : `${pkg} not loadable (${firstLine(error)})`,
      );
    }
  }
  return { ok: false, note: notes.join('; ') };
}

async function describe(
  name: BackendName,
  attempts: readonly BackendAttempt[],
  override: string | undefined,
): Promise<BackendReport> {
  let threads = 1;
  let simd = false;
  let gpu = false;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    threads = wasm.getThreadsCount();
    simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  } else if (name === 'webgpu') {
    gpu = webgpuAdapter?.fallback === false;
  } else if (name === 'tensorflow') {
    // tfjs-node-gpu runs on CUDA when it loads at all (it links libtensorflow's GPU build).
    gpu = attempts.some((a) => a.name === 'tensorflow' && a.note.includes('tfjs-node-gpu'));
    threads = (await import('node:os')).cpus().length;
  }
  const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.note}`);
  const reason =
    override ?? (skipped.length === 0 ? 'first choice' : `skipped ${skipped.join('; ')}`);
  const adapter = name === 'webgpu' ? webgpuAdapter?.adapter : undefined;
  return {
    name,
    gpu,
    threads,
    simd,
    tfjsVersion: tf.version.tfjs,
    ...(adapter === undefined ? {} : { adapter }),
    reason,
    attempts,
  };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}
