import { describe, expect, it } from 'vitest';
import {
  FunctionBuilder,
  Op,
  SimdOp,
  callIndex,
  encodeModule,
  isWasmMemory,
  sleb,
  uleb,
  webAssembly,
} from '../../src/backend/wasm-emit.js';

/** Instantiates `functions` on a fresh one-page memory. */
function instantiate(functions: FunctionBuilder[], shared = false) {
  const memory = new webAssembly.Memory({ initial: 1, maximum: 16, shared });
  const module = new webAssembly.Module(encodeModule(functions, shared));
  const { exports } = new webAssembly.Instance(module, { env: { memory } });
  return { memory, exports: exports as Record<string, (...args: number[]) => void> };
}

describe('wasm-emit', () => {
  it('encodes LEB128 as the specification’s examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow('uleb: bad value -1');
    expect(() => sleb(2 ** 31)).toThrow('sleb: bad value');
  });

  it('runs loops, calls and f32x4 arithmetic as written', () => {
    // scale4(p, n): n times, v128 at p = v128 at p · v128 at p (a call into square4)
    const square = new FunctionBuilder('square4', ['p']);
    square
      .get('p')
      .get('p')
      .simd(SimdOp.v128Load, ...FunctionBuilder.memarg(2, 0));
    square.get('p').simd(SimdOp.v128Load, ...FunctionBuilder.memarg(2, 0));
    square.simd(SimdOp.f32x4Mul).simd(SimdOp.v128Store, ...FunctionBuilder.memarg(2, 0));
    const repeat = new FunctionBuilder('repeat', ['p', 'n']);
    const functions = [square, repeat];
    repeat.whileLoop(
      (f) => f.get('n'),
      (f) =>
        f
          .get('p')
          .op(Op.call, callIndex(functions, 'square4'))
          .addTo('n', (g) => g.i32(-1)),
    );
    // add(p, q): v128 at p += splat(f32 at q), only if q ≥ 0
    const add = new FunctionBuilder('add', ['p', 'q']).locals('v128', 'x');
    add.ifThen(
      (f) => f.get('q').i32(0).op(Op.i32GeS),
      (f) =>
        f
          .get('p')
          .get('p')
          .simd(SimdOp.v128Load, ...FunctionBuilder.memarg(2, 0))
          .get('q')
          .simd(SimdOp.v128Load32Splat, ...FunctionBuilder.memarg(2, 0))
          .tee('x')
          .simd(SimdOp.f32x4Add)
          .simd(SimdOp.v128Store, ...FunctionBuilder.memarg(2, 0)),
    );
    functions.push(add);
    for (const shared of [false, true]) {
      const { memory, exports } = instantiate(functions, shared);
      const f32 = new Float32Array(memory.buffer);
      f32.set([1, 2, -3, 0.5, 10], 4);
      exports['repeat']!(16, 2); // x⁴
      expect(Array.from(f32.subarray(4, 8))).toEqual([1, 16, 81, 0.0625]);
      exports['add']!(16, 32); // + f32[8] = 10
      expect(Array.from(f32.subarray(4, 8))).toEqual([11, 26, 91, 10.0625]);
      exports['add']!(16, -4); // skipped
      expect(f32[4]).toBe(11);
    }
  });

  it('names the local or function that does not exist, and refuses a local twice', () => {
    const f = new FunctionBuilder('f', ['a']);
    expect(() => f.get('b')).toThrow('f: no local named "b"');
    expect(() => f.locals('i32', 'a')).toThrow('f: local "a" declared twice');
    expect(() => callIndex([f], 'g')).toThrow('no function named "g"');
  });

  it('leaves invalid code to WebAssembly’s validator, which rejects it', () => {
    const bad = new FunctionBuilder('bad', ['a']).get('a'); // leaves an i32 on the stack
    expect(() => new webAssembly.Module(encodeModule([bad], false))).toThrow();
  });

  it('tells a WebAssembly.Memory from other values', () => {
    expect(isWasmMemory(new webAssembly.Memory({ initial: 1 }))).toBe(true);
    expect(isWasmMemory(new ArrayBuffer(8))).toBe(false);
    expect(isWasmMemory(undefined)).toBe(false);
  });
});
