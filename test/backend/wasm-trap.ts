/**
 * A real WebAssembly trap, as the wasm backend throws when its heap runs out: a module
 * whose one function loads 4 bytes just past its single 64 KiB page.
 */
// prettier-ignore
const OUT_OF_BOUNDS_LOAD = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // types: () -> i32
  0x03, 0x02, 0x01, 0x00, // functions: one of type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // memory: 1 page
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f"
  0x0a, 0x0b, 0x01, 0x09, 0x00, 0x41, 0x80, 0x80, 0x04, 0x28, 0x02, 0x00, 0x0b, // i32.load at 65536
]);

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { f: () => number } };
}

export function wasmOutOfBoundsTrap(): Error {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instance = new wasm.Instance(new wasm.Module(OUT_OF_BOUNDS_LOAD), {});
  try {
    instance.exports.f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('wasmOutOfBoundsTrap: the load did not trap');
}
