/**
 * The wasm backend's heap stops at 4 GiB. When a kernel's allocation fails there, the
 * error is a bare WebAssembly trap ("memory access out of bounds", or "Aborted(...)")
 * thrown from deep inside tfjs; callers turn it into an error that says what to change.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The wasm backend's heap size in bytes, or null on another backend. The heap grows to the
 * most a process has held at once and never shrinks, so after a few training steps it is
 * their peak, fragmentation included: the number to keep under the 4 GiB limit.
 */
export function wasmHeapBytes(): number | null {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return tf.getBackend() === 'wasm' ? (backend.wasm?.HEAPU8?.length ?? null) : null;
}

/** Whether `error` is the trap of a wasm kernel that ran out of heap. */
export function isWasmHeapExhausted(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'RuntimeError' && // WebAssembly.RuntimeError
    /memory access out of bounds|^Aborted\(/.test(error.message)
  );
}

export interface HeapContext {
  /** The function that ran out, e.g. 'trainDualEncoder'. */
  readonly caller: string;
  /** 1-based step (or batch, see `unit`) that failed. */
  readonly step: number;
  /** What `step` counts, for the message. Default 'step'. */
  readonly unit?: string;
  /** What one batch holds, e.g. 'micro-batches of 16 queries, 2 passages each, up to 64 tokens'. */
  readonly batch: string;
  /** What to change so it fits. */
  readonly advice: string;
  /** Where to resume from, or how to be able to. */
  readonly resume: string;
}

/**
 * `error` unchanged, unless the wasm heap ran out: then an error that says where, with
 * what batch, what to change and how to resume (the failed process's wasm heap is not
 * reusable). The trap stays as `cause`.
 */
export function explainHeapExhausted(error: unknown, context: HeapContext): unknown {
  if (!isWasmHeapExhausted(error)) return error;
  return new Error(
    `${context.caller}: the wasm backend's heap (at most 4 GiB) ran out at ` +
      `${context.unit ?? 'step'} ${context.step} with ${context.batch}. ${context.advice}; ${context.resume}.`,
    { cause: error },
  );
}
