/**
 * AdamW's update of one parameter as a single pass of WebAssembly SIMD over the tfjs wasm
 * heap: the parameter, its two moments and its gradient are read once, the moments are
 * written back in place and the new parameter into a fresh buffer. tfjs runs the same
 * formula as about fifteen element-wise kernels, each a pass over memory with a fresh
 * tensor (measured: a tenth of a quick-shape training step, 154 of 1,670 ms, before this
 * file).
 *
 * The arithmetic is the same float32 operations in the same order as optimizer.ts's tfjs
 * path (wasm SIMD has no fused multiply-add, and sqrt and division are correctly rounded),
 * so the two give the same bits; test/backend/adamw-wasm.test.ts checks it.
 *
 * The parameter is never written in place: tfjs-backend-wasm keeps XNNPACK operators with
 * their weights packed, by tensor, so a weight changed under the same tensor would leave
 * later products on the old values. The parameter gets a new buffer (`assign`), as tfjs'
 * own update does. The moments are only read by this kernel, so they are updated in place,
 * which is only safe where nothing else holds their buffers: `adamwUpdate` declines
 * (returns false, and the caller runs the tfjs path) unless the backend is wasm, every
 * tensor is float32 of one size, and each moment's buffer has a reference count of 1.
 */
import * as tf from '@tensorflow/tfjs';
import { heapOffset, wasmHeapMemory, type WasmBackendHeap } from './batch-matmul.js';
import { FunctionBuilder, Op, SimdOp, instantiateOn, perMemory } from './wasm-emit.js';

/** The scalars of one update (optimizer.ts computes them once per step). */
export interface AdamWScalars {
  /** Multiplies the gradient first (the clip factor). */
  readonly gradScale: number;
  readonly beta1: number;
  readonly beta2: number;
  /** √(1 − β₂ᵗ): √v is divided by it. */
  readonly bc2Sqrt: number;
  readonly eps: number;
  /** The parameter's factor before the step: 1 − lr·wd, or 1 without decay. */
  readonly decay: number;
  /** lr / (1 − β₁ᵗ). */
  readonly stepSize: number;
}

/** The parameter, its moments and its gradient of one update. */
export interface AdamWTensors {
  readonly param: tf.Variable;
  readonly m: tf.Tensor;
  readonly v: tf.Tensor;
  readonly grad: tf.Tensor;
}

/** Float32 slots of the constants block the kernel reads (byte offset = 4 · slot). */
const K = Object.freeze({
  gradScale: 0,
  beta1: 1,
  oneMinusBeta1: 2,
  beta2: 3,
  oneMinusBeta2: 4,
  bc2Sqrt: 5,
  eps: 6,
  decay: 7,
  stepSize: 8,
});
const CONSTANTS = 9;
const F32 = 4;
const LANES = 4;
const ALIGN4 = 2; // log2 of the alignment promised: 4-byte floats

/**
 * `adamw(p, m, v, g, c, n, o)`: n float32 elements at byte offsets p, m, v, g, constants
 * at c; m and v updated in place, the new parameter written at o. Four lanes at a time
 * while four are left, then one at a time.
 */
function adamwFunction(): FunctionBuilder {
  const f = new FunctionBuilder('adamw', ['p', 'm', 'v', 'g', 'c', 'n', 'o']);
  f.locals('v128', 'gs4', 'mm4', 'vv4');
  f.locals('f32', 'gs1', 'mm1', 'vv1');
  const mem = FunctionBuilder.memarg(ALIGN4, 0);
  const pass = (vector: boolean) => {
    const [gs, mm, vv] = vector ? ['gs4', 'mm4', 'vv4'] : ['gs1', 'mm1', 'vv1'];
    const load = (ptr: string) =>
      vector ? f.get(ptr).simd(SimdOp.v128Load, ...mem) : f.get(ptr).op(Op.f32Load, ...mem);
    const store = () => (vector ? f.simd(SimdOp.v128Store, ...mem) : f.op(Op.f32Store, ...mem));
    const k = (slot: number) => {
      const at = FunctionBuilder.memarg(ALIGN4, slot * F32);
      return vector
        ? f.get('c').simd(SimdOp.v128Load32Splat, ...at)
        : f.get('c').op(Op.f32Load, ...at);
    };
    const op = (simd: number, scalar: number) => (vector ? f.simd(simd) : f.op(scalar));
    const mul = () => op(SimdOp.f32x4Mul, Op.f32Mul);
    const add = () => op(SimdOp.f32x4Add, Op.f32Add);
    // g' = g · scale
    load('g');
    k(K.gradScale);
    mul();
    f.set(gs);
    // m = m · β₁ + g' · (1 − β₁)
    f.get('m');
    load('m');
    k(K.beta1);
    mul();
    f.get(gs);
    k(K.oneMinusBeta1);
    mul();
    add();
    f.tee(mm);
    store();
    // v = v · β₂ + g'² · (1 − β₂)
    f.get('v');
    load('v');
    k(K.beta2);
    mul();
    f.get(gs).get(gs);
    mul();
    k(K.oneMinusBeta2);
    mul();
    add();
    f.tee(vv);
    store();
    // o = p · decay − m / (√v / bc2 + eps) · stepSize
    f.get('o');
    load('p');
    k(K.decay);
    mul();
    f.get(mm).get(vv);
    op(SimdOp.f32x4Sqrt, Op.f32Sqrt);
    k(K.bc2Sqrt);
    op(SimdOp.f32x4Div, Op.f32Div);
    k(K.eps);
    add();
    op(SimdOp.f32x4Div, Op.f32Div);
    k(K.stepSize);
    mul();
    op(SimdOp.f32x4Sub, Op.f32Sub);
    store();
    const bytes = (vector ? LANES : 1) * F32;
    for (const ptr of ['p', 'm', 'v', 'g', 'o']) f.addTo(ptr, (g) => g.i32(bytes));
    f.addTo('n', (g) => g.i32(vector ? -LANES : -1));
  };
  f.whileLoop(
    (g) => g.get('n').i32(LANES).op(Op.i32GeS),
    () => pass(true),
  );
  f.whileLoop(
    (g) => g.get('n'),
    () => pass(false),
  );
  return f;
}

type AdamWFn = (
  p: number,
  m: number,
  v: number,
  g: number,
  c: number,
  n: number,
  o: number,
) => void;

interface AdamWBackend extends WasmBackendHeap {
  refCount(dataId: tf.DataId): number;
}

let fusedCalls = 0;

/** How many updates `adamwUpdate` has made in this process (the tests check it ran). */
export function adamwFusedCalls(): number {
  return fusedCalls;
}

const kernelOn = perMemory(
  (memory) => (instantiateOn([adamwFunction()], memory) as { adamw: AdamWFn }).adamw,
);

/**
 * One AdamW update of `t.param` and its moments, if it is safe here (see the file
 * header); false when it declined and nothing was changed.
 */
export function adamwUpdate(t: AdamWTensors, s: AdamWScalars): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const all = [t.param, t.m, t.v, t.grad];
  const size = t.param.size;
  if (all.some((x) => x.dtype !== 'float32' || x.size !== size || x.isDisposed)) return false;
  const backend = tf.backend() as unknown as AdamWBackend;
  if (typeof backend.refCount !== 'function') return false;
  if ([t.m, t.v].some((x) => backend.refCount(x.dataId) !== 1)) return false;
  const constants = backend.wasm._malloc(CONSTANTS * F32) >>> 0;
  if (constants === 0) return false;
  const out = backend.makeOutput([...t.param.shape], 'float32');
  try {
    const heap = new Float32Array(wasmHeapMemory(backend).buffer, constants, CONSTANTS);
    heap[K.gradScale] = s.gradScale;
    heap[K.beta1] = s.beta1;
    heap[K.oneMinusBeta1] = 1 - s.beta1;
    heap[K.beta2] = s.beta2;
    heap[K.oneMinusBeta2] = 1 - s.beta2;
    heap[K.bc2Sqrt] = s.bc2Sqrt;
    heap[K.eps] = s.eps;
    heap[K.decay] = s.decay;
    heap[K.stepSize] = s.stepSize;
    const at = (x: tf.TensorInfo) => heapOffset(backend, x);
    if (size > 0) {
      kernelOn(wasmHeapMemory(backend))(
        at(t.param),
        at(t.m),
        at(t.v),
        at(t.grad),
        constants,
        size,
        at(out),
      );
    }
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  } finally {
    backend.wasm._free(constants);
  }
  const updated = tf.engine().makeTensorFromTensorInfo(out);
  t.param.assign(updated);
  updated.dispose(); // the variable keeps its own reference
  fusedCalls++;
  return true;
}
