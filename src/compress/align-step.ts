/**
 * One KALE optimiser step (align.ts is the loop around it): the step's queries (its batch
 * and, for the reference objective, random partners), the student's forward and backward
 * against the teacher's targets, AdamW's update, and the wasm-heap error that says what to
 * change. Also the bookkeeping the loop reports: examples seen over a number of steps.
 *
 * It leaves no tensors behind and never touches the teacher (its targets are constants).
 */
import * as tf from '@tensorflow/tfjs';
import { embed, encoderFlops, toTokenBatch, type Encoder } from '../model/index.js';
import { explainHeapExhausted } from '../backend/index.js';
import type { AdamW } from '../train/index.js';
import { batchesPerEpoch, randomPartners, stepIndices } from './batch-order.js';
import { alignmentLoss, kaleReferenceLoss, type PairLoss } from './losses/index.js';
import type { ResolvedKaleOptions } from './options.js';
import type { QueryTokenizer, TargetSource } from './teacher-targets.js';

/** The pair loss the options name. */
export function pairLoss(o: ResolvedKaleOptions): PairLoss {
  return alignmentLoss(o.loss, { temperature: o.temperature, mseWeight: o.mseWeight });
}

/** Named trainable variables of the student, sorted by name (what AdamW updates). */
export function namedTrainable(student: Encoder): Array<{ name: string; variable: tf.Variable }> {
  return [...student.weights.entries()]
    .filter(([, v]) => v.trainable)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, variable]) => ({ name, variable }));
}

export interface StepContext {
  readonly student: Encoder;
  readonly tokenizer: QueryTokenizer;
  readonly queries: readonly string[];
  readonly targets: TargetSource;
  readonly loss: PairLoss;
  readonly options: ResolvedKaleOptions;
  readonly params: ReadonlyArray<{ name: string; variable: tf.Variable }>;
  /** tf.Variable.name → weight name, to hand AdamW named gradients. */
  readonly nameOf: ReadonlyMap<string, string>;
  readonly optimizer: AdamW;
}

/** The query indices of `step`: its own batch, and (reference objective) random partners. */
export function stepQueries(o: ResolvedKaleOptions, step: number, n: number) {
  const own = stepIndices(o.seed, step, n, o.batchSize, o.dropLast);
  const partners = o.objective === 'reference' ? randomPartners(o.seed, step, own, n) : [];
  return { own, partners };
}

/**
 * One optimiser step on the queries of `step`; returns the loss and the student's FLOPs
 * (forward + backward ≈ 3× forward). Leaves no tensors behind.
 */
function alignStep(ctx: StepContext, step: number, lr: number): { loss: number; flops: number } {
  const o = ctx.options;
  const { own, partners } = stepQueries(o, step, ctx.queries.length);
  const reference = o.objective === 'reference';
  const B = own.length;
  let flops = 0;
  const lossValue = tf.tidy(() => {
    // Teacher targets: constants, computed outside the gradient tape.
    const tOwn = ctx.targets.rows(own); // [B, H]
    const tRandom = reference ? ctx.targets.rows(partners) : undefined; // [B, H]
    // Own and random queries go through the student as one batch of 2B rows.
    const texts = [...own, ...partners].map((i) => ctx.queries[i]!);
    const encoded = ctx.tokenizer.encodeBatch(texts, { maxLength: o.maxLength });
    flops = 3 * encoderFlops(ctx.student.config, encoded.batchSize, encoded.seqLen);
    const tokens = toTokenBatch(encoded); // [B or 2B, L]
    const { value, grads } = tf.variableGrads(
      () => {
        const s = embed(ctx.student, tokens, o.pooling); // [B or 2B, H]
        const sOwn = tf.slice(s, [0, 0], [B, -1]) as tf.Tensor2D; // [B, H]
        if (!reference) return ctx.loss(sOwn, tOwn);
        const sRandom = tf.slice(s, [B, 0], [B, -1]) as tf.Tensor2D; // [B, H]
        return kaleReferenceLoss(
          { student: sOwn, teacher: tOwn },
          { student: sRandom, teacher: tRandom! },
          { queryWeight: o.queryWeight, randomQueryWeight: o.randomQueryWeight, base: ctx.loss },
        );
      },
      ctx.params.map((p) => p.variable),
    );
    const named = new Map<string, tf.Tensor>();
    for (const [varName, g] of Object.entries(grads)) named.set(ctx.nameOf.get(varName)!, g);
    ctx.optimizer.applyGradients(named, lr);
    return value;
  });
  const loss = lossValue.dataSync()[0]!;
  lossValue.dispose();
  if (!Number.isFinite(loss)) {
    throw new Error(
      `alignQueryEncoder: loss is ${loss} at step ${step + 1}; lower lr or check the inputs`,
    );
  }
  return { loss, flops };
}

/** alignStep, with a wasm heap trap turned into an error that says what to change. */
export function explainedStep(
  ctx: StepContext,
  step: number,
  lr: number,
  savedStep: number,
): { loss: number; flops: number } {
  try {
    return alignStep(ctx, step, lr);
  } catch (error) {
    const o = ctx.options;
    throw explainHeapExhausted(error, {
      caller: 'alignQueryEncoder',
      step: step + 1,
      batch: `batches of ${o.batchSize} queries of up to ${o.maxLength} tokens`,
      advice: 'Lower batchSize or maxLength',
      resume:
        o.checkpointDir !== undefined && savedStep > 0
          ? `rerun with the same checkpointDir in a new process to resume from step ${savedStep}`
          : 'set checkpointDir to be able to resume',
    });
  }
}

/** Own-query examples in the first `steps` steps. */
export function examplesSeen(steps: number, count: number, o: ResolvedKaleOptions): number {
  let total = 0;
  const perEpoch = batchesPerEpoch(count, o.batchSize, o.dropLast);
  for (let s = 0; s < steps; s++) {
    const within = s % perEpoch;
    total += Math.min(o.batchSize, count - within * o.batchSize);
  }
  return total;
}
