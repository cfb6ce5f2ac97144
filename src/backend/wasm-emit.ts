/**
 * A small WebAssembly bytecode emitter: enough to write a few numeric loop nests (i32
 * address arithmetic, f32 and f32x4 SIMD loads, stores and arithmetic, structured loops and
 * calls) as readable TypeScript and get a module's binary at run time, with no compiler or
 * build step. Opcodes are named after the text format (`i32.add` is `Op.i32Add`); the
 * numbers are those of the WebAssembly 2.0 specification (binary format, §5.4).
 *
 * Deliberately not a general assembler: one memory (imported as `env.memory`), functions
 * whose parameters are i32 and that return nothing, no tables, globals or data segments.
 * Invalid code is not checked here: `new WebAssembly.Module` validates it and says why.
 */

export type ValType = 'i32' | 'f32' | 'v128';
const VAL_TYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** One-byte opcodes (WebAssembly 2.0, §5.4). */
export const Op = Object.freeze({
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
});

/** SIMD opcodes, each emitted after the 0xfd prefix as an unsigned LEB128 (§5.4.8). */
export const SimdOp = Object.freeze({
  v128Load: 0x00,
  v128Load32Splat: 0x09,
  v128Store: 0x0b,
  v128Const: 0x0c,
  f32x4Lt: 0x43,
  v128Bitselect: 0x52,
  f32x4Nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4Add: 0xae,
  f32x4Abs: 0xe0,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Max: 0xe9,
  i32x4TruncSatF32x4S: 0xf8,
});

const SIMD_PREFIX = 0xfd;
const EMPTY_BLOCK = 0x40;

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`uleb: bad value ${n}`);
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of an i32 (as `i32.const` takes). */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)
    throw new Error(`sleb: bad value ${n}`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const utf8 = (s: string): number[] => {
  const bytes = new TextEncoder().encode(s);
  return [...uleb(bytes.length), ...bytes];
};
const vec = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];

/**
 * The body of one function. Parameters (all i32) and locals are referred to by name; the
 * structured-control helpers take the loop body as a callback, so the TypeScript nesting
 * is the wasm nesting.
 */
export class FunctionBuilder {
  private readonly index = new Map<string, number>();
  private readonly localTypes: ValType[] = [];
  private readonly code: number[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly string[],
  ) {
    params.forEach((p) => this.declare(p));
  }

  /** Declares locals of one type (wasm zero-initialises them on every call). */
  locals(type: ValType, ...names: string[]): this {
    for (const n of names) {
      this.declare(n);
      this.localTypes.push(type);
    }
    return this;
  }

  /** Raw bytes: an opcode from `Op` and its immediates. */
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  simd(op: number, ...immediates: number[]): this {
    return this.op(SIMD_PREFIX, ...uleb(op), ...immediates);
  }

  get(name: string): this {
    return this.op(Op.localGet, ...uleb(this.slot(name)));
  }

  set(name: string): this {
    return this.op(Op.localSet, ...uleb(this.slot(name)));
  }

  tee(name: string): this {
    return this.op(Op.localTee, ...uleb(this.slot(name)));
  }

  i32(n: number): this {
    return this.op(Op.i32Const, ...sleb(n));
  }

  /** `v128.const` with `x` (rounded to float32) in all four f32 lanes. */
  f32x4(x: number): this {
    const lane = new Uint8Array(new Float32Array([x]).buffer);
    return this.simd(SimdOp.v128Const, ...lane, ...lane, ...lane, ...lane);
  }

  /** `v128.const` with `n` in all four i32 lanes. */
  i32x4(n: number): this {
    const lane = new Uint8Array(new Int32Array([n]).buffer);
    return this.simd(SimdOp.v128Const, ...lane, ...lane, ...lane, ...lane);
  }

  /** `name += <what emit pushes>` for an i32 local. */
  addTo(name: string, emit: (f: this) => void): this {
    this.get(name);
    emit(this);
    return this.op(Op.i32Add).set(name);
  }

  /** A memory access's immediates: log2 of the alignment promised, and a byte offset. */
  static memarg(alignLog2: number, offset: number): number[] {
    return [...uleb(alignLog2), ...uleb(offset)];
  }

  /** `while (cond) body`: cond pushes an i32; the body may not branch out on its own. */
  whileLoop(cond: (f: this) => void, body: (f: this) => void): this {
    this.op(Op.block, EMPTY_BLOCK, Op.loop, EMPTY_BLOCK);
    cond(this);
    this.op(Op.i32Eqz, Op.brIf, 1);
    body(this);
    return this.op(Op.br, 0, Op.end, Op.end);
  }

  /** `if (cond) body`: cond pushes an i32. */
  ifThen(cond: (f: this) => void, body: (f: this) => void): this {
    cond(this);
    this.op(Op.if, EMPTY_BLOCK);
    body(this);
    return this.op(Op.end);
  }

  /** The code section entry: locals grouped by runs of one type, then the expression. */
  encode(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.localTypes.length;) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...uleb(j - i), VAL_TYPE[this.localTypes[i]!]]);
      i = j;
    }
    const body = [...vec(groups), ...this.code, Op.end];
    return [...uleb(body.length), ...body];
  }

  private declare(name: string): void {
    if (this.index.has(name)) throw new Error(`${this.name}: local "${name}" declared twice`);
    this.index.set(name, this.index.size);
  }

  private slot(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`${this.name}: no local named "${name}"`);
    return i;
  }
}

/**
 * A module of `functions` (exported by name, callable from each other by `callIndex`)
 * importing one memory as `env.memory`; `shared` must match the memory given at
 * instantiation (a shared memory must declare a maximum: the 4 GiB wasm32 limit).
 */
export function encodeModule(functions: readonly FunctionBuilder[], shared: boolean): Uint8Array {
  const section = (id: number, items: number[][]): number[] => {
    const content = vec(items);
    return [id, ...uleb(content.length), ...content];
  };
  const arities = [...new Set(functions.map((f) => f.params.length))];
  const typeOf = (f: FunctionBuilder) => arities.indexOf(f.params.length);
  const types = arities.map((n) => [
    0x60,
    ...vec(Array.from({ length: n }, () => [VAL_TYPE.i32])),
    0,
  ]);
  const limits = shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const memory = [...utf8('env'), ...utf8('memory'), 0x02, ...limits];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, types),
    ...section(2, [memory]),
    ...section(
      3,
      functions.map((f) => uleb(typeOf(f))),
    ),
    ...section(
      7,
      functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]),
    ),
    ...section(
      10,
      functions.map((f) => f.encode()),
    ),
  ];
  return Uint8Array.from(bytes);
}

/**
 * Compiles `functions` into a module on `memory` (shared or not, as the memory is) and
 * instantiates it there: the exports, by function name.
 */
export function instantiateOn(functions: readonly FunctionBuilder[], memory: WasmMemory): object {
  const shared =
    typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = new webAssembly.Module(encodeModule(functions, shared));
  return new webAssembly.Instance(module, { env: { memory } }).exports;
}

/**
 * `instantiate` run once per memory, its result kept: each kernel module is compiled and
 * instantiated on a backend's heap the first time it is needed there (a WeakMap, so the
 * instance goes with its memory).
 */
export function perMemory<T>(instantiate: (memory: WasmMemory) => T): (memory: WasmMemory) => T {
  const instances = new WeakMap<WasmMemory, T>();
  return (memory) => {
    let kernels = instances.get(memory);
    if (kernels === undefined) {
      kernels = instantiate(memory);
      instances.set(memory, kernels);
    }
    return kernels;
  };
}

/** The index `call` takes for the function named `name` in `functions` (the module's order). */
export function callIndex(functions: readonly FunctionBuilder[], name: string): number {
  const i = functions.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`no function named "${name}"`);
  return i;
}

/** A WebAssembly.Memory, as far as kalelab uses one. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/**
 * The part of the WebAssembly JS API used here, typed by hand: tsconfig's lib (ES2022,
 * no DOM) does not declare the global `WebAssembly`, though Node has it.
 */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  RuntimeError: new (message: string) => Error;
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** Whether `x` is a WebAssembly.Memory. */
export function isWasmMemory(x: unknown): x is WasmMemory {
  return x instanceof webAssembly.Memory;
}
