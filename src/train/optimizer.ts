/**
 * AdamW over named tf.Variables, as PyTorch's `torch.optim.AdamW`: Adam moments with bias
 * correction and *decoupled* weight decay (Loshchilov & Hutter 2019) — the parameter is
 * shrunk by lr·wd before the Adam update, not through the gradient. tfjs' AdamOptimizer
 * has no decoupled decay, hence this file.
 *
 * Decay skips biases and LayerNorm weights, by Hugging Face name (`no_decay = ["bias",
 * "LayerNorm.weight"]` in every HF training script). Also here: PyTorch's
 * `clip_grad_norm_` (global L2 norm) and a gradient accumulator. State (m, v, step) is
 * plain Float32Arrays on save, so a checkpoint restores it bit for bit.
 *
 * It does not pick the learning rate: callers pass the scheduled lr to `step`.
 */
import * as tf from '@tensorflow/tfjs';
import { adamwUpdate } from '../backend/index.js';

export interface AdamWOptions {
  /** β₁, β₂. Default [0.9, 0.999] (PyTorch and HF defaults). */
  readonly betas?: readonly [number, number];
  /** Added to √v̂. Default 1e-8 (PyTorch AdamW and HF TrainingArguments.adam_epsilon). */
  readonly eps?: number;
  /** Decoupled weight decay. Default 0.01 (PyTorch AdamW's default). */
  readonly weightDecay?: number;
  /** Which parameter names get no decay. Default: biases and LayerNorm weights (HF). */
  readonly noDecay?: (name: string) => boolean;
  /**
   * Update on the wasm backend in one SIMD pass per parameter (backend/adamw-wasm.ts: the
   * same float32 arithmetic); false runs tfjs' element-wise kernels. Default true.
   */
  readonly fused?: boolean;
}

export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** Serialised optimiser state: moments as Float32Arrays by parameter name. */
export interface AdamWState {
  readonly step: number;
  readonly moments: ReadonlyMap<
    string,
    { readonly m: Float32Array; readonly v: Float32Array; readonly shape: readonly number[] }
  >;
}

/** HF's rule: names ending in "bias" or containing "LayerNorm.weight" are not decayed. */
export function hfNoDecay(name: string): boolean {
  return name.endsWith('bias') || name.includes('LayerNorm.weight');
}

interface Slot {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly decay: boolean;
  m: tf.Variable;
  v: tf.Variable;
}

/** A non-trainable zero variable shaped like `like` (the temporary zeros are freed). */
function zeroVariable(like: tf.Variable): tf.Variable {
  const zeros = tf.zerosLike(like);
  const variable = tf.variable(zeros, false);
  zeros.dispose();
  return variable;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly fused: boolean;
  private readonly slots: Slot[];
  private readonly byName = new Map<string, Slot>();
  private stepCount = 0;

  constructor(params: readonly NamedVariable[], options: AdamWOptions = {}) {
    const [b1, b2] = options.betas ?? [0.9, 0.999];
    for (const [n, b] of [
      ['beta1', b1],
      ['beta2', b2],
    ] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`AdamW: ${n} must be in [0, 1), got ${b}`);
    }
    this.beta1 = b1;
    this.beta2 = b2;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.fused = options.fused ?? true;
    if (!(this.eps > 0)) throw new Error(`AdamW: eps must be > 0, got ${this.eps}`);
    if (!(this.weightDecay >= 0)) {
      throw new Error(`AdamW: weightDecay must be ≥ 0, got ${this.weightDecay}`);
    }
    const noDecay = options.noDecay ?? hfNoDecay;
    const seen = new Set<tf.Variable>();
    this.slots = [];
    for (const { name, variable } of params) {
      if (this.byName.has(name)) throw new Error(`AdamW: parameter name "${name}" given twice`);
      if (seen.has(variable)) continue; // tied weights: one slot for the shared variable
      seen.add(variable);
      const slot: Slot = {
        name,
        variable,
        decay: !noDecay(name),
        m: zeroVariable(variable),
        v: zeroVariable(variable),
      };
      this.slots.push(slot);
      this.byName.set(name, slot);
    }
  }

  /** Optimiser steps taken so far (PyTorch's `state['step']`). */
  get step(): number {
    return this.stepCount;
  }

  /** Names of the parameters this optimiser updates, in order. */
  get names(): string[] {
    return this.slots.map((s) => s.name);
  }

  /** Whether `name` is decayed (false for biases and LayerNorm weights by default). */
  decays(name: string): boolean {
    const slot = this.byName.get(name);
    if (!slot) throw new Error(`AdamW: unknown parameter "${name}"`);
    return slot.decay;
  }

  /**
   * One update with learning rate `lr`. `grads` maps parameter names to gradients (a missing
   * name gets no update this step, as a PyTorch parameter whose .grad is None). Every
   * gradient is multiplied by `gradScale` first (clipping without materialising clipped
   * copies: see `clipCoefficient`). Disposes nothing of the caller's.
   */
  applyGradients(grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1): void {
    if (!Number.isFinite(lr) || lr < 0) throw new Error(`AdamW: lr must be ≥ 0, got ${lr}`);
    if (!(gradScale > 0) || !Number.isFinite(gradScale)) {
      throw new Error(`AdamW: gradScale must be a finite number > 0, got ${gradScale}`);
    }
    for (const name of grads.keys()) {
      if (!this.byName.has(name))
        throw new Error(`AdamW: gradient for unknown parameter "${name}"`);
    }
    this.stepCount += 1;
    const t = this.stepCount;
    const bc1 = 1 - Math.pow(this.beta1, t);
    const bc2Sqrt = Math.sqrt(1 - Math.pow(this.beta2, t));
    const stepSize = lr / bc1;
    for (const slot of this.slots) {
      const given = grads.get(slot.name);
      if (!given) continue;
      const decay = slot.decay && this.weightDecay > 0 ? 1 - lr * this.weightDecay : 1;
      // The same arithmetic in one SIMD pass over the wasm heap, where that is safe.
      const tensors = { param: slot.variable, m: slot.m, v: slot.v, grad: given };
      const { beta1, beta2, eps } = this;
      const scalars = { gradScale, beta1, beta2, bc2Sqrt, eps, decay, stepSize };
      if (this.fused && adamwUpdate(tensors, scalars)) continue;
      // Each quantity in its own tidy, assigned at once: at the peak 6 tensors the size of
      // the parameter are alive, not the whole formula's 15 (tf.profile). For a BERT-base
      // word-embedding table (94 MB) that is 0.8 GB less.
      tf.tidy(() => {
        const g = gradScale === 1 ? given : tf.mul(given, gradScale);
        slot.m.assign(tf.tidy(() => tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1))));
        slot.v.assign(
          tf.tidy(() => tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2))),
        );
      });
      const step = tf.tidy(() => {
        const denom = tf.add(tf.div(tf.sqrt(slot.v), bc2Sqrt), this.eps);
        return tf.mul(tf.div(slot.m, denom), stepSize);
      });
      const updated = tf.tidy(() => {
        // Decoupled decay first, as torch: p ← p·(1 − lr·wd).
        const decayed = decay === 1 ? slot.variable : tf.mul(slot.variable, decay);
        return tf.sub(decayed, step);
      });
      slot.variable.assign(updated);
      tf.dispose([step, updated]); // the variable keeps its own reference to the buffer
    }
  }

  /** A copy of the state (moments read back to the host) for a checkpoint. */
  getState(): AdamWState {
    const moments = new Map<string, { m: Float32Array; v: Float32Array; shape: number[] }>();
    for (const s of this.slots) {
      moments.set(s.name, {
        m: Float32Array.from(s.m.dataSync() as Float32Array),
        v: Float32Array.from(s.v.dataSync() as Float32Array),
        shape: s.variable.shape.slice(),
      });
    }
    return { step: this.stepCount, moments };
  }

  /** Restores a state from `getState` (names and shapes must match). */
  setState(state: AdamWState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`AdamW.setState: step must be an integer ≥ 0, got ${state.step}`);
    }
    for (const s of this.slots) {
      const saved = state.moments.get(s.name);
      if (!saved) throw new Error(`AdamW.setState: no moments for parameter "${s.name}"`);
      const size = s.variable.size;
      if (saved.m.length !== size || saved.v.length !== size) {
        throw new Error(
          `AdamW.setState: "${s.name}" has ${size} values, saved moments have ${saved.m.length}/${saved.v.length}`,
        );
      }
      tf.tidy(() => {
        s.m.assign(tf.tensor(saved.m, s.variable.shape, 'float32'));
        s.v.assign(tf.tensor(saved.v, s.variable.shape, 'float32'));
      });
    }
    for (const name of state.moments.keys()) {
      if (!this.byName.has(name)) throw new Error(`AdamW.setState: unknown parameter "${name}"`);
    }
    this.stepCount = state.step;
  }

  /** Frees the moment variables. */
  dispose(): void {
    for (const s of this.slots) {
      s.m.dispose();
      s.v.dispose();
    }
  }
}

/**
 * PyTorch's `clip_grad_norm_`: total = ‖all grads‖₂; if total > maxNorm, every gradient is
 * multiplied by maxNorm / (total + 1e-6). Returns new tensors (the caller disposes both the
 * inputs and the outputs) and the norm before clipping.
 */
export function clipByGlobalNorm(
  grads: ReadonlyMap<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; norm: number } {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  const norm = globalNorm(grads);
  const coef = clipCoefficient(norm, maxNorm);
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) out.set(name, coef < 1 ? tf.mul(g, coef) : tf.clone(g));
  return { grads: out, norm };
}

/** PyTorch's clip factor: min(1, maxNorm / (norm + 1e-6)). */
export function clipCoefficient(norm: number, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new Error(`clipCoefficient: maxNorm must be > 0, got ${maxNorm}`);
  return Math.min(1, maxNorm / (norm + 1e-6));
}

/** ‖grads‖₂ over all tensors together (one host read). */
export function globalNorm(grads: ReadonlyMap<string, tf.Tensor>): number {
  if (grads.size === 0) return 0;
  // One tidy per tensor: the squares are freed as they are summed, never all alive at once.
  const sums = [...grads.values()].map((g) => tf.tidy(() => tf.sum(tf.square(g))));
  const total = tf.tidy(() => tf.sqrt(tf.addN(sums)));
  const value = total.dataSync()[0]!;
  tf.dispose([total, ...sums]);
  return value;
}

/**
 * Sums gradients over micro-batches for gradient accumulation; `mean()` gives the average
 * (the gradient of the mean loss over the accumulated micro-batches, as HF's
 * loss / gradient_accumulation_steps).
 */
export class GradientAccumulator {
  private readonly sums = new Map<string, tf.Tensor>();
  private count = 0;

  /** Adds one micro-batch's gradients (kept by the accumulator: do not dispose them). */
  add(grads: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, g] of grads) {
      const prev = this.sums.get(name);
      if (prev) {
        this.sums.set(name, tf.add(prev, g));
        prev.dispose();
        g.dispose();
      } else {
        this.sums.set(name, g);
      }
    }
    this.count += 1;
  }

  get microBatches(): number {
    return this.count;
  }

  /** The averaged gradients (new tensors, the caller disposes) and a reset. */
  takeMean(): Map<string, tf.Tensor> {
    if (this.count === 0) throw new Error('GradientAccumulator: no gradients added');
    const out = new Map<string, tf.Tensor>();
    for (const [name, g] of this.sums) {
      out.set(name, this.count === 1 ? g : tf.div(g, this.count));
      if (this.count !== 1) g.dispose();
    }
    this.sums.clear();
    this.count = 0;
    return out;
  }

  dispose(): void {
    for (const g of this.sums.values()) g.dispose();
    this.sums.clear();
    this.count = 0;
  }
}
