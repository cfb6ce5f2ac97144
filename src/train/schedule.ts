/**
 * Learning-rate schedule: linear warm-up from 0 to the peak, then linear decay to 0, as
 * transformers' `get_linear_schedule_with_warmup` (what DPR and Tevatron use).
 *
 * `step` is the number of optimiser steps already taken, as the LambdaLR counter in a HF
 * training loop: the first update uses step 0, so with warm-up its lr is 0 (as HF).
 * It does not know about epochs or gradient accumulation: give it optimiser steps.
 */

export interface LinearSchedule {
  readonly peakLr: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
}

function check(schedule: LinearSchedule): void {
  const { peakLr, warmupSteps, totalSteps } = schedule;
  if (!(Number.isFinite(peakLr) && peakLr >= 0)) {
    throw new Error(`linear schedule: peakLr must be a finite number ≥ 0, got ${peakLr}`);
  }
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new Error(`linear schedule: totalSteps must be an integer ≥ 1, got ${totalSteps}`);
  }
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps > totalSteps) {
    throw new Error(
      `linear schedule: warmupSteps must be an integer in [0, ${totalSteps}], got ${warmupSteps}`,
    );
  }
}

/** The multiplier of the peak lr at `step` (HF's lr_lambda). */
export function linearWarmupDecayFactor(
  step: number,
  warmupSteps: number,
  totalSteps: number,
): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/** The learning rate for the update after `step` optimiser steps. */
export function learningRateAt(schedule: LinearSchedule, step: number): number {
  check(schedule);
  if (!Number.isInteger(step) || step < 0) {
    throw new Error(`linear schedule: step must be an integer ≥ 0, got ${step}`);
  }
  return schedule.peakLr * linearWarmupDecayFactor(step, schedule.warmupSteps, schedule.totalSteps);
}

/** Warm-up steps for a ratio of the total (HF's warmup_ratio: ceil(ratio · total)). */
export function warmupStepsFromRatio(ratio: number, totalSteps: number): number {
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`warmupRatio must be in [0, 1], got ${ratio}`);
  return Math.ceil(ratio * totalSteps);
}
