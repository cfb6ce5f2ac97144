/**
 * KALE: align a pruned query encoder (student) to the unpruned one (teacher, frozen) on
 * queries only, by a loss between their pooled embeddings. This file is the loop: targets,
 * batches, AdamW with a linear schedule, progress, checkpoints, and the frozen-state checks.
 * One step is align-step.ts; the teacher's targets teacher-targets.ts; the math lives in
 * losses/ (pure functions of embeddings).
 *
 * The student is trained in place (its variables are updated) and returned. The teacher is
 * never written; its fingerprint is taken before and after and a change throws
 * (FrozenStateError), as does a change of the passage index when `hooks.indexFingerprint` is
 * given. Only the student's trainable variables are optimised.
 *
 * It does not prune (prune-strategies.ts), evaluate, or save the final student (saveEncoder).
 *
 * Example:
 *
 *     const student = pruneQueryEncoder(teacher, 2).encoder;
 *     const { history } = await alignQueryEncoder(teacher, student, trainQueries, tokenizer,
 *       { loss: 'kl', steps: 200 }, { progress: defaultProgress() });
 */
import type { Encoder } from '../model/index.js';
import { AdamW, learningRateAt } from '../train/index.js';
import { hashString, silentProgress, type ProgressSink } from '../util/index.js';
import {
  examplesSeen,
  explainedStep,
  namedTrainable,
  pairLoss,
  stepQueries,
  type StepContext,
} from './align-step.js';
import { batchesPerEpoch } from './batch-order.js';
import {
  restoreAlignCheckpoint,
  saveAlignCheckpoint,
  CHECKPOINT_VERSION,
  type RunIdentity,
} from './checkpoint.js';
import { assertSeparateEncoders, freezeCheck } from './guard.js';
import {
  numericOptionsKey,
  resolveKaleOptions,
  type KaleOptions,
  type ResolvedKaleOptions,
} from './options.js';
import { chooseTargets, type TeacherEngine, type QueryTokenizer } from './teacher-targets.js';

export interface AlignStepInfo {
  /** Steps finished, this one included (1-based). */
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
  /** Learning rate used for this step. */
  readonly lr: number;
}

export interface AlignHooks {
  /** Progress of the steps (label "kale"). Default: silent. */
  readonly progress?: ProgressSink;
  /**
   * A fingerprint of the passage index (e.g. a hash of its vectors). Called before and after;
   * alignment throws FrozenStateError when the two differ.
   */
  readonly indexFingerprint?: () => string | Promise<string>;
  /** Called after every step (for plots, logging, tests). An exception stops the run. */
  readonly onStep?: (info: AlignStepInfo) => void;
  /** Stops after the current step; a checkpoint is written first when checkpointDir is set. */
  readonly signal?: AbortSignal;
  /**
   * The teacher on an inference engine (e.g. ONNX Runtime over a snapshot of `teacher`,
   * pooling as options.pooling): its targets are computed there. Default: tfjs.
   */
  readonly teacherEngine?: TeacherEngine;
}

export interface AlignResult {
  /** The student, trained in place (the same object that was passed in). */
  readonly student: Encoder;
  /** Loss of every step, from step 1 (including steps restored from a checkpoint). */
  readonly history: readonly number[];
  /** Optimiser steps finished (= history.length). */
  readonly steps: number;
  readonly totalSteps: number;
  /** Query examples seen by the student, own queries only (random second queries not counted). */
  readonly examples: number;
  /** Wall seconds of alignment over all sessions (steps, plus this session's teacher targets). */
  readonly seconds: number;
  /** Seconds spent on teacher targets in this session. */
  readonly teacherSeconds: number;
  /**
   * Compute over all sessions, in FLOPs of matrix products (model/flops.ts): 3× the student's
   * forward per step (forward + backward) plus the teacher's forward passes. Comparable with
   * training compute counted the same way.
   */
  readonly flops: number;
  /** False when stopped early by `hooks.signal`. */
  readonly completed: boolean;
  /** The step a checkpoint was resumed from, 0 for a fresh run. */
  readonly resumedFromStep: number;
  readonly teacherFingerprint: string;
  readonly teacherTargets: 'precomputed' | 'per-batch';
  /** The options used, defaults filled in. */
  readonly options: ResolvedKaleOptions;
}

/**
 * Aligns `student` to `teacher` on `queries`; see the file header. Resumes from
 * `options.checkpointDir` when it holds a checkpoint of the same run.
 */
export async function alignQueryEncoder(
  teacher: Encoder,
  student: Encoder,
  queries: readonly string[],
  tokenizer: QueryTokenizer,
  options: KaleOptions = {},
  hooks: AlignHooks = {},
): Promise<AlignResult> {
  const o = resolveKaleOptions(options);
  if (queries.length === 0) throw new Error('alignQueryEncoder: queries is empty');
  queries.forEach((q, i) => {
    if (typeof q !== 'string')
      throw new Error(`alignQueryEncoder: queries[${i}] is not a string: ${String(q)}`);
  });
  assertSeparateEncoders(teacher, student);
  const progress = hooks.progress ?? silentProgress;
  const frozen = await freezeCheck(teacher, hooks.indexFingerprint);

  const perEpoch = batchesPerEpoch(queries.length, o.batchSize, o.dropLast);
  const totalSteps = o.steps ?? Math.max(1, Math.ceil(o.epochs * perEpoch));
  if (o.warmupSteps > totalSteps) {
    throw new Error(
      `KaleOptions.warmupSteps: ${o.warmupSteps} exceeds the run's ${totalSteps} steps`,
    );
  }
  const schedule = { peakLr: o.lr, warmupSteps: o.warmupSteps, totalSteps };
  const params = namedTrainable(student);
  if (params.length === 0)
    throw new Error('alignQueryEncoder: the student has no trainable variables');
  const optimizer = new AdamW(params, { weightDecay: o.weightDecay });
  const identity: RunIdentity = {
    optionsKey: numericOptionsKey(o),
    teacherFingerprint: frozen.teacherFingerprint,
    queriesHash: `${queries.length}:${hashString(queries.join('\u0000')).toString(16)}`,
    queryCount: queries.length,
  };

  try {
    let history: number[] = [];
    let priorSeconds = 0;
    let priorFlops = 0;
    if (o.checkpointDir !== undefined) {
      const restored = await restoreAlignCheckpoint(o.checkpointDir, identity, student, optimizer);
      if (restored) {
        history = [...restored.history];
        priorSeconds = restored.seconds;
        priorFlops = restored.flops;
      }
    }
    const resumedFromStep = history.length;
    let savedStep = resumedFromStep; // the step the checkpoint on disk holds (0: none)

    const t0 = performance.now();
    const targets = await chooseTargets(
      teacher,
      tokenizer,
      queries,
      o,
      totalSteps >= perEpoch,
      hooks.teacherEngine,
    );
    const teacherSeconds = (performance.now() - t0) / 1000;
    let studentFlops = 0;
    const flopsSoFar = (): number => priorFlops + studentFlops + targets.flops();
    const ctx: StepContext = {
      student,
      tokenizer,
      queries,
      targets,
      loss: pairLoss(o),
      options: o,
      params,
      nameOf: new Map(params.map((p) => [p.variable.name, p.name])),
      optimizer,
    };

    const save = async (): Promise<void> => {
      if (o.checkpointDir === undefined) return;
      await saveAlignCheckpoint(
        o.checkpointDir,
        {
          version: CHECKPOINT_VERSION,
          ...identity,
          step: history.length,
          totalSteps,
          history,
          seconds: priorSeconds + (performance.now() - t0) / 1000,
          flops: flopsSoFar(),
        },
        student,
        optimizer,
      );
      savedStep = history.length;
    };

    let completed = true;
    for (let step = history.length; step < totalSteps; step++) {
      const lr = learningRateAt(schedule, step);
      if (targets.prefetch) {
        const { own, partners } = stepQueries(o, step, queries.length);
        await targets.prefetch(own);
        await targets.prefetch(partners);
      }
      const { loss, flops } = explainedStep(ctx, step, lr, savedStep);
      studentFlops += flops;
      history.push(loss);
      progress({
        label: 'kale',
        done: step + 1,
        total: totalSteps,
        detail: `loss ${loss.toPrecision(4)}`,
      });
      hooks.onStep?.({ step: step + 1, totalSteps, loss, lr });
      const last = step + 1 === totalSteps;
      if (hooks.signal?.aborted && !last) {
        await save();
        completed = false;
        break;
      }
      if ((step + 1) % o.checkpointEvery === 0 || last) await save();
    }
    const seconds = priorSeconds + (performance.now() - t0) / 1000;

    await frozen.verify();
    return {
      student,
      history,
      steps: history.length,
      totalSteps,
      examples: examplesSeen(history.length, queries.length, o),
      seconds,
      teacherSeconds,
      flops: flopsSoFar(),
      completed,
      resumedFromStep,
      teacherFingerprint: frozen.teacherFingerprint,
      teacherTargets: targets.precomputed ? 'precomputed' : 'per-batch',
      options: o,
    };
  } finally {
    optimizer.dispose();
  }
}
