/**
 * The wasm backend's heap stops at 4 GiB. When a kernel's allocation fails there, the
 * error is a bare WebAssembly trap ("memory access out of bounds", or "Aborted(...)")
 * thrown from deep inside tfjs; callers turn it into an error that says what to change.
 */

/** Whether `error` is the trap of a wasm kernel that ran out of heap. */
export function isWasmHeapExhausted(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'RuntimeError' && // WebAssembly.RuntimeError
    /memory access out of bounds|^Aborted\(/.test(error.message)
  );
}
