/**
 * The training loop for a dual encoder (DPR / Tevatron recipe): seeded batches of
 * query + positive + n hard negatives → contrastive loss over in-batch and hard negatives →
 * gradient accumulation → global-norm clipping → AdamW with linear warm-up and decay.
 *
 * - Resumable: with `checkpointDir`, a checkpoint (both encoders as HF folders, optimiser
 *   moments, data position, loss history) is written atomically every `checkpointEvery`
 *   steps, at the end, and when stopped; a later call with the same options continues from
 *   it and gives the same losses and weights as an uninterrupted run.
 * - Observable: `hooks.onStep` sees each step's record and the history (notebooks plot it
 *   live) and may return 'stop'; progress goes to `hooks.progress` every `logEvery` steps.
 * - Tidy: a step leaves tf.memory().numTensors unchanged. If the wasm heap (4 GiB) runs
 *   out mid-step, the error names the step, the micro-batch to shrink and the checkpoint.
 *
 * It trains the encoders in place (the caller's `dual` holds the result) and does not
 * evaluate (src/eval does) or save a final model (use saveDualEncoder).
 */
import type { RetrievalDataset } from '../data/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { explainHeapExhausted } from '../backend/index.js';
import { defaultProgress, type ProgressSink } from '../util/index.js';
import { BatchSampler } from './batches.js';
import {
  findTrainCheckpoint,
  readTrainCheckpoint,
  writeTrainCheckpoint,
  type StepRecord,
  type TrainerState,
} from './checkpoint.js';
import { dataParallelEngine, trainWorkers } from './data-parallel.js';
import {
  assignDualEncoder,
  disposeDualEncoder,
  dualParameters,
  type DualEncoder,
} from './dual-encoder.js';
import { localEngine, type StepEngine } from './engine.js';
import type { AdamWState } from './optimizer.js';
import {
  resolveTrainOptions,
  resumeFingerprint,
  type ResolvedTrainOptions,
  type TrainOptions,
} from './options.js';
import { learningRateAt, warmupStepsFromRatio } from './schedule.js';

/**
 * The callbacks of a training run (TrainOptions are plain data), as AlignHooks are for
 * alignment.
 */
export interface TrainHooks {
  /** Progress sink (bar on a terminal, lines elsewhere), every `logEvery` steps. Default defaultProgress(). */
  readonly progress?: ProgressSink;
  /** Stops the run at the next step boundary (a checkpoint is written first, if configured). */
  readonly signal?: AbortSignal;
  /** After every optimiser step; return 'stop' to end the run (checkpointed if configured). */
  onStep?(record: StepRecord, history: readonly StepRecord[]): void | 'stop';
  /** After each checkpoint is written. */
  onCheckpoint?(dir: string, step: number): void;
}

export interface TrainResult {
  /** Optimiser steps done in total (across resumes). */
  readonly steps: number;
  readonly totalSteps: number;
  /** True when stopped early by a hook or the abort signal. */
  readonly stopped: boolean;
  /** The step the run resumed from (0 for a fresh run). */
  readonly resumedFrom: number;
  readonly history: readonly StepRecord[];
  /** Wall seconds of this call, and its throughput. */
  readonly seconds: number;
  /** Matrix-product FLOPs of the whole run (across resumes). */
  readonly flops: number;
  readonly examplesPerSecond: number;
  readonly tokensPerSecond: number;
  /** The checkpoint folder last written, if any. */
  readonly checkpoint?: string;
}

/** Optimiser steps a run makes with these options (after defaults). */
export function plannedSteps(sampler: BatchSampler, o: ResolvedTrainOptions): number {
  if (o.steps !== undefined) return o.steps;
  const perEpoch = Math.floor(sampler.batchesPerEpoch / o.gradientAccumulation);
  if (perEpoch < 1) {
    throw new Error(
      `trainDualEncoder: an epoch has ${sampler.batchesPerEpoch} batch(es), fewer than gradientAccumulation ${o.gradientAccumulation}`,
    );
  }
  return Math.max(1, Math.round(perEpoch * o.epochs));
}

/** Trains `dual` in place on `dataset`'s training split (see file header). */
export async function trainDualEncoder(
  dual: DualEncoder,
  tokenizer: WordPieceTokenizer,
  dataset: RetrievalDataset,
  options: TrainOptions = {},
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const o = resolveTrainOptions(options);
  const progress = hooks.progress ?? defaultProgress();
  const split = dataset.splits[o.split];
  if (!split) {
    throw new Error(
      `trainDualEncoder: dataset "${dataset.name}" has no "${o.split}" split (has: ${Object.keys(dataset.splits).join(', ')})`,
    );
  }
  const maxPos = Math.min(
    dual.query.config.maxPositionEmbeddings,
    dual.passage.config.maxPositionEmbeddings,
  );
  if (o.qMaxLen > maxPos || o.pMaxLen > maxPos) {
    throw new Error(
      `trainDualEncoder: qMaxLen ${o.qMaxLen} / pMaxLen ${o.pMaxLen} exceed max_position_embeddings ${maxPos}`,
    );
  }
  const sampler = new BatchSampler(dataset.corpus, split, {
    batchSize: o.batchSize,
    nHard: o.nHard,
    seed: o.seed,
    negatives: o.negatives,
    hardNegatives: o.hardNegatives,
    noDuplicates: o.noDuplicates,
  });
  const totalSteps = plannedSteps(sampler, o);
  const warmupSteps = Math.min(
    totalSteps,
    o.warmupSteps ?? warmupStepsFromRatio(o.warmupRatio, totalSteps),
  );
  const schedule = { peakLr: o.lr, warmupSteps, totalSteps };
  const fingerprint = resumeFingerprint(o, totalSteps);
  const workers = Math.min(trainWorkers(o.workers), o.batchSize);
  let engine: StepEngine | undefined;
  const history: StepRecord[] = [];
  let step = 0;
  let priorSeconds = 0;
  let flops = 0;
  let lastCheckpoint: string | undefined;
  let savedAt = -1;

  try {
    let resumedState: AdamWState | undefined;
    if (o.checkpointDir !== undefined && o.resume) {
      const found = await findTrainCheckpoint(o.checkpointDir);
      if (found !== undefined) {
        const saved = await readTrainCheckpoint(found);
        try {
          checkFingerprint(found, saved.state, fingerprint);
          assignDualEncoder(dual, saved.dual);
          resumedState = saved.optimizer;
          sampler.seek(saved.state.position);
          history.push(...saved.state.history);
          step = saved.state.step;
          priorSeconds = history.at(-1)?.seconds ?? 0;
          flops = history.at(-1)?.flops ?? 0;
          lastCheckpoint = found;
          savedAt = step;
        } finally {
          disposeDualEncoder(saved.dual);
        }
      }
    }
    engine =
      workers > 1
        ? await dataParallelEngine(dual, o, workers, {
            tokenizer,
            ...(resumedState ? { state: resumedState } : {}),
          })
        : localEngine(dual, tokenizer, dualParameters(dual), o, resumedState);
    const steps: StepEngine = engine;
    const resumedFrom = step;
    const started = performance.now();
    let examples = 0;
    let tokens = 0;
    let stopped = false;

    const checkpoint = async (): Promise<void> => {
      if (o.checkpointDir === undefined) return;
      const state: TrainerState = {
        format: 'kalelab-train-state',
        version: 1,
        step,
        totalSteps,
        position: sampler.position,
        history,
        fingerprint,
      };
      lastCheckpoint = await writeTrainCheckpoint(o.checkpointDir, {
        dual,
        tokenizer,
        optimizer: await steps.sync(), // data-parallel: replica 0's weights into `dual`
        state,
      });
      savedAt = step;
      hooks.onCheckpoint?.(lastCheckpoint, step);
    };

    while (step < totalSteps) {
      if (hooks.signal?.aborted) {
        stopped = true;
        break;
      }
      const batches = Array.from({ length: o.gradientAccumulation }, () => sampler.next());
      const lr = learningRateAt(schedule, step);
      let done;
      try {
        done = await steps.step(batches, lr);
      } catch (error) {
        throw explainHeapError(error, step + 1, o, lastCheckpoint);
      }
      const { loss, gradNorm } = done;
      examples += batches.reduce((n, b) => n + b.queries.length, 0);
      tokens += done.tokens;
      flops += done.flops;
      step += 1;
      if (!Number.isFinite(loss)) {
        throw new Error(
          `trainDualEncoder: loss is ${loss} at step ${step} (lr ${lr}); lower lr or check the data`,
        );
      }
      const record: StepRecord = {
        step,
        loss,
        lr,
        gradNorm,
        seconds: priorSeconds + (performance.now() - started) / 1000,
        flops,
      };
      history.push(record);
      if (step % o.logEvery === 0 || step === totalSteps) {
        progress({
          label: 'train',
          done: step,
          total: totalSteps,
          detail: `loss ${loss.toFixed(4)} lr ${lr.toExponential(2)}`,
        });
      }
      if (hooks.onStep?.(record, history) === 'stop') stopped = true;
      if (
        stopped ||
        step === totalSteps ||
        (o.checkpointEvery > 0 && step % o.checkpointEvery === 0)
      ) {
        await checkpoint();
      }
      if (stopped) break;
    }
    if (stopped && savedAt !== step) await checkpoint();
    if (engine.workers > 1 && savedAt !== step) await steps.sync(); // the caller's dual holds the result
    const seconds = (performance.now() - started) / 1000;
    return {
      steps: step,
      totalSteps,
      stopped,
      resumedFrom,
      history,
      seconds,
      flops,
      examplesPerSecond: seconds > 0 ? examples / seconds : 0,
      tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
      ...(lastCheckpoint !== undefined ? { checkpoint: lastCheckpoint } : {}),
    };
  } finally {
    await engine?.close();
  }
}

function checkFingerprint(
  dir: string,
  state: TrainerState,
  current: Record<string, unknown>,
): void {
  for (const [key, value] of Object.entries(current)) {
    const saved = state.fingerprint[key];
    if (JSON.stringify(saved) !== JSON.stringify(value)) {
      throw new Error(
        `trainDualEncoder: cannot resume from ${dir}: option "${key}" was ${JSON.stringify(saved)} there, is ${JSON.stringify(value)} now (use a fresh checkpointDir or resume: false)`,
      );
    }
  }
}

/** `error`, or the clear error explainHeapExhausted makes of a wasm heap trap. */
function explainHeapError(
  error: unknown,
  step: number,
  o: ResolvedTrainOptions,
  lastCheckpoint: string | undefined,
): unknown {
  return explainHeapExhausted(error, {
    caller: 'trainDualEncoder',
    step,
    batch: `micro-batches of ${o.batchSize} queries, ${1 + o.nHard} passages each, up to ${o.pMaxLen} tokens`,
    advice:
      'Halve batchSize and double gradientAccumulation (same queries per step) or shorten pMaxLen',
    resume:
      lastCheckpoint !== undefined
        ? `resume from ${lastCheckpoint} in a new process`
        : 'set checkpointEvery to be able to resume',
  });
}
