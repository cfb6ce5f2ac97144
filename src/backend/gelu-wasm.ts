/**
 * Exact GELU and its gradient as one pass of WebAssembly SIMD each over the tfjs wasm heap.
 * tfjs runs x·Φ(x) as five element-wise kernels forward and eleven backward, each a pass
 * over the layer's largest tensor ([B, L, I]) with a fresh output, and its `Erf` kernel is
 * scalar. Measured on [2048, 512] (a quick-shape step's passage FFN), one thread: tfjs 16 ms
 * forward and about 40 backward, these kernels 6.5 and 7.7.
 *
 * Φ(x) = ½·erfc(−x/√2), and for a = |x|/√2, t = 1/(1 + a/2):
 *   erfc(a) = t·exp(−a² + P(t)),
 * with P a degree-10 polynomial fitted by scripts/fit-gelu.py (relative error of erfc under
 * 1e-8 in float64; float32 rounding dominates). exp is 2ⁿ·q(r) with n = round(y/ln 2),
 * r = y − n·ln 2 (ln 2 split in two, so r is exact to float32) and q the degree-7 Taylor
 * polynomial (|r| ≤ ln 2 / 2: error under 1e-8). Against scipy's ndtr in float64 (the test's
 * reference) GELU is within 4e-7 absolute and its gradient within 4e-7 on [−12, 12]: float32
 * rounding, where the oracle tolerance for a hidden state is 2e-5.
 *
 * `geluForward` and `geluBackward` return null where they do not apply (another backend, not
 * float32, fewer than four elements, shapes that differ): the caller takes the tfjs path.
 */
import * as tf from '@tensorflow/tfjs';
import { heapOffset, wasmHeapMemory, type WasmBackendHeap } from './batch-matmul.js';
import { FunctionBuilder, Op, SimdOp, instantiateOn, perMemory } from './wasm-emit.js';

/** P(t), t⁰ first (scripts/fit-gelu.py). */
const ERFC_POLY = [
  -1.2655780417107287, 1.001818217409107, 0.3532014790642565, 0.23292450716583118,
  -0.7361437326671325, 1.7205867094776424, -3.6302095638231817, 4.314971687668911,
  -2.8369157914042464, 0.990257838146868, -0.14491330703621666,
];
/** exp's Taylor coefficients 1/k!, k = 0…7. */
const EXP_POLY = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040];
/** ln 2 as hi + lo, hi with few enough bits that n·hi is exact for |n| < 2¹¹. */
const LN2_HI = 0.693145751953125;
const LN2_LO = 1.428606765330187e-6;
/** exp below this underflows float32's normal range: clamped, so 2ⁿ stays a normal float. */
const EXP_MIN = -87;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const LANES = 4;
const F32 = 4;
const ALIGN4 = 2; // log2 of the alignment promised: 4-byte floats

/** Locals holding v, v², v⁴, v⁸ for `emitPolynomial`. */
const POWERS = ['', 's2', 's4', 's8'];

/**
 * Emits code that pushes Σ cᵢ·vⁱ for the f32x4 local `v`, in Estrin's scheme: halves
 * evaluated independently and joined by a power of v, so the chain of dependent operations
 * is about log₂ of the degree long, not the degree (Horner's): the passes took 15% less.
 */
function emitPolynomial(f: FunctionBuilder, v: string, coefficients: readonly number[]): void {
  for (let level = 1; 2 ** level < coefficients.length; level++) {
    const below = level === 1 ? v : POWERS[level - 1]!;
    f.get(below).get(below).simd(SimdOp.f32x4Mul).set(POWERS[level]!);
  }
  const emit = (cs: readonly number[]): void => {
    if (cs.length === 1) {
      f.f32x4(cs[0]!);
      return;
    }
    let half = 1;
    while (half * 2 < cs.length) half *= 2;
    emit(cs.slice(0, half));
    f.get(half === 1 ? v : POWERS[Math.log2(half)]!);
    emit(cs.slice(half));
    f.simd(SimdOp.f32x4Mul).simd(SimdOp.f32x4Add);
  };
  emit(coefficients);
}

/** Emits code that pops y (f32x4, y ≤ 0) and pushes exp(y); uses locals n, q, s2, s4. */
function emitExp(f: FunctionBuilder): void {
  f.f32x4(EXP_MIN).simd(SimdOp.f32x4Max).set('q'); // q holds y for now
  f.get('q').f32x4(Math.LOG2E).simd(SimdOp.f32x4Mul).simd(SimdOp.f32x4Nearest).set('n');
  // r = (y − n·hi) − n·lo, kept in q
  f.get('q').get('n').f32x4(LN2_HI).simd(SimdOp.f32x4Mul).simd(SimdOp.f32x4Sub);
  f.get('n').f32x4(LN2_LO).simd(SimdOp.f32x4Mul).simd(SimdOp.f32x4Sub).set('q');
  emitPolynomial(f, 'q', EXP_POLY); // q(r)
  // 2ⁿ: n + 127 in the exponent bits
  f.get('n').simd(SimdOp.i32x4TruncSatF32x4S).i32x4(127).simd(SimdOp.i32x4Add);
  f.i32(23).simd(SimdOp.i32x4Shl);
  f.simd(SimdOp.f32x4Mul);
}

/** Emits code that pushes Φ(x) for the f32x4 local x; uses locals a, t, n, q, s2, s4, s8. */
function emitPhi(f: FunctionBuilder): void {
  f.get('x').simd(SimdOp.f32x4Abs).f32x4(Math.SQRT1_2).simd(SimdOp.f32x4Mul).set('a');
  f.f32x4(1).f32x4(1).get('a').f32x4(0.5).simd(SimdOp.f32x4Mul).simd(SimdOp.f32x4Add);
  f.simd(SimdOp.f32x4Div).set('t');
  // e = ½·t·exp(P(t) − a²) = Φ(−|x|)
  f.f32x4(0.5).get('t').simd(SimdOp.f32x4Mul);
  emitPolynomial(f, 't', ERFC_POLY);
  f.get('a').get('a').simd(SimdOp.f32x4Mul).simd(SimdOp.f32x4Sub);
  emitExp(f);
  f.simd(SimdOp.f32x4Mul).set('a'); // a now holds e
  // x < 0 ? e : 1 − e
  f.get('a').f32x4(1).get('a').simd(SimdOp.f32x4Sub);
  f.get('x').f32x4(0).simd(SimdOp.f32x4Lt).simd(SimdOp.v128Bitselect);
}

/**
 * `gelu(x, n, o)` writes x·Φ(x) at o; `geluGrad(x, dy, n, o)` writes dy·(Φ(x) + x·φ(x)).
 * n (byte offsets x, dy, o; n a multiple of 4) float32 elements, four at a time.
 */
function geluFunctions(): FunctionBuilder[] {
  const mem = FunctionBuilder.memarg(ALIGN4, 0);
  const build = (name: string, params: string[], body: (f: FunctionBuilder) => void) => {
    const f = new FunctionBuilder(name, params);
    f.locals('v128', 'x', 'a', 't', 'n', 'q', ...POWERS.slice(1));
    f.whileLoop(
      (g) => g.get('n4').i32(0).op(Op.i32GtS),
      () => {
        f.get('o');
        f.get('xp')
          .simd(SimdOp.v128Load, ...mem)
          .set('x');
        body(f);
        f.simd(SimdOp.v128Store, ...mem);
        for (const p of params.filter((p) => p !== 'n4')) f.addTo(p, (g) => g.i32(LANES * F32));
        f.addTo('n4', (g) => g.i32(-LANES));
      },
    );
    return f;
  };
  const gelu = build('gelu', ['xp', 'n4', 'o'], (f) => {
    f.get('x');
    emitPhi(f);
    f.simd(SimdOp.f32x4Mul);
  });
  const grad = build('geluGrad', ['xp', 'dy', 'n4', 'o'], (f) => {
    f.get('dy').simd(SimdOp.v128Load, ...mem);
    emitPhi(f);
    // + x·exp(−x²/2)/√(2π)
    f.get('x');
    f.get('x').get('x').simd(SimdOp.f32x4Mul).f32x4(-0.5).simd(SimdOp.f32x4Mul);
    emitExp(f);
    f.simd(SimdOp.f32x4Mul).f32x4(INV_SQRT_2PI).simd(SimdOp.f32x4Mul);
    f.simd(SimdOp.f32x4Add).simd(SimdOp.f32x4Mul);
  });
  return [gelu, grad];
}

type GeluFn = (x: number, n: number, out: number) => void;
type GeluGradFn = (x: number, dy: number, n: number, out: number) => void;
interface GeluKernels {
  readonly gelu: GeluFn;
  readonly geluGrad: GeluGradFn;
}

let calls = 0;

/** How many GELU passes (forward or backward) the kernels have made in this process. */
export function geluWasmCalls(): number {
  return calls;
}

const kernelsOn = perMemory((memory) => instantiateOn(geluFunctions(), memory) as GeluKernels);

/** The wasm backend when every tensor is float32 of one shape with at least 4 elements. */
function applicable(...ts: tf.Tensor[]): WasmBackendHeap | null {
  if (tf.getBackend() !== 'wasm') return null;
  const [first] = ts;
  if (!first || first.size < LANES) return null;
  const same = ts.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, first.shape));
  return same ? (tf.backend() as unknown as WasmBackendHeap) : null;
}

/**
 * Runs `pass(n, shift)` over the vector body (n a multiple of 4, shift 0) and, if the size
 * is not a multiple of 4, once more over the last four elements (shift: their byte offset).
 * The last vector overlaps the body; it recomputes the same values from the inputs.
 */
function inVectors(size: number, pass: (n: number, shift: number) => void): void {
  const body = size - (size % LANES);
  pass(body, 0);
  if (body !== size) pass(LANES, (size - LANES) * F32);
}

function run(backend: WasmBackendHeap, shape: number[], fill: (out: number) => void): tf.Tensor {
  const out = backend.makeOutput(shape, 'float32');
  try {
    fill(heapOffset(backend, out));
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  }
  calls++;
  return tf.engine().makeTensorFromTensorInfo(out);
}

/** x·Φ(x) on the wasm heap, or null where it does not apply (see the file header). */
export function geluForward(x: tf.Tensor): tf.Tensor | null {
  const backend = applicable(x);
  if (!backend) return null;
  const k = kernelsOn(wasmHeapMemory(backend));
  return run(backend, [...x.shape], (o) => {
    const xp = heapOffset(backend, x);
    inVectors(x.size, (n, s) => k.gelu(xp + s, n, o + s));
  });
}

/** dy·(Φ(x) + x·φ(x)) on the wasm heap, or null where it does not apply. */
export function geluBackward(x: tf.Tensor, dy: tf.Tensor): tf.Tensor | null {
  const backend = applicable(x, dy);
  if (!backend) return null;
  const k = kernelsOn(wasmHeapMemory(backend));
  return run(backend, [...x.shape], (o) => {
    const xp = heapOffset(backend, x);
    const dp = heapOffset(backend, dy);
    inVectors(x.size, (n, s) => k.geluGrad(xp + s, dp + s, n, o + s));
  });
}
