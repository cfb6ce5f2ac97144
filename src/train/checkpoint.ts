/**
 * Training checkpoints: everything a run needs to continue exactly where it stopped.
 *
 * `<checkpointDir>/checkpoint/` holds
 *   query/, passage/          Hugging Face checkpoints of both encoders (saveEncoder, F32)
 *   dual.json                 tied flag and depths
 *   optimizer.safetensors     AdamW step and moments (optimizer-file.ts, shared with alignment)
 *   trainer-state.json        step, data position, loss history, the options that must match
 *   COMPLETE                  written last: a folder without it is never read
 * The folder is written under a temporary name and renamed into place (writeDirAtomic), so
 * a crash (even SIGKILL) leaves the previous checkpoint or the new one. If a crash falls
 * between the renames of writeDirAtomic, `findTrainCheckpoint` moves the complete temporary
 * folder into place first (settleAtomic). Only the latest checkpoint is kept.
 *
 * It does not decide when to checkpoint (trainer.ts does).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WordPieceTokenizer } from '../text/index.js';
import { settleAtomic, writeDirAtomic, writeFileAtomic, writeJsonAtomic } from '../util/index.js';
import type { BatchPosition } from './batches.js';
import { loadDualEncoder, writeDualInto, type DualEncoder } from './dual-encoder.js';
import type { AdamWState } from './optimizer.js';
import { readOptimizerFile, writeOptimizerFile } from './optimizer-file.js';

/** One optimiser step of the loss history (what notebooks plot). */
export interface StepRecord {
  /** Optimiser steps done, from 1. */
  readonly step: number;
  /** Mean contrastive loss over the step's micro-batches. */
  readonly loss: number;
  /** Learning rate used for this update. */
  readonly lr: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Wall seconds of training so far (across resumes). */
  readonly seconds: number;
  /** Matrix-product FLOPs of training so far (across resumes; absent in older checkpoints). */
  readonly flops?: number;
}

export interface TrainerState {
  readonly format: 'kalelab-train-state';
  readonly version: 1;
  readonly step: number;
  readonly totalSteps: number;
  readonly position: BatchPosition;
  readonly history: readonly StepRecord[];
  /** Options that must be equal on resume (seed, batch size, schedule…). */
  readonly fingerprint: Readonly<Record<string, unknown>>;
}

export const CHECKPOINT_SUBDIR = 'checkpoint';
const COMPLETE = 'COMPLETE';

/** Writes the checkpoint folder atomically (see file header). */
export async function writeTrainCheckpoint(
  checkpointDir: string,
  parts: {
    readonly dual: DualEncoder;
    readonly tokenizer: WordPieceTokenizer;
    readonly optimizer: AdamWState;
    readonly state: TrainerState;
  },
): Promise<string> {
  const dir = join(checkpointDir, CHECKPOINT_SUBDIR);
  await writeDirAtomic(dir, async (tmp) => {
    await writeDualInto(tmp, parts.dual, parts.tokenizer);
    await writeOptimizerFile(tmp, parts.optimizer);
    await writeJsonAtomic(join(tmp, 'trainer-state.json'), parts.state);
    await writeFileAtomic(join(tmp, COMPLETE), `${parts.state.step}\n`);
  });
  return dir;
}

/** The latest complete checkpoint folder under `checkpointDir`, or undefined. */
export async function findTrainCheckpoint(checkpointDir: string): Promise<string | undefined> {
  const main = join(checkpointDir, CHECKPOINT_SUBDIR);
  // a crash between writeDirAtomic's renames leaves a complete temporary: move it in place
  await settleAtomic(main);
  return (await isComplete(main)) ? main : undefined;
}

async function isComplete(dir: string): Promise<boolean> {
  return stat(join(dir, COMPLETE)).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Reads a checkpoint folder (from `findTrainCheckpoint`). The caller owns the encoders. */
export async function readTrainCheckpoint(dir: string): Promise<{
  dual: DualEncoder;
  tokenizer: WordPieceTokenizer;
  optimizer: AdamWState;
  state: TrainerState;
}> {
  const statePath = join(dir, 'trainer-state.json');
  const state = JSON.parse(await readFile(statePath, 'utf8')) as TrainerState;
  if (state.format !== 'kalelab-train-state' || state.version !== 1) {
    throw new Error(
      `${statePath}: field "format"/"version" is ${state.format}/${state.version}, expected kalelab-train-state/1`,
    );
  }
  const optimizer = await readOptimizerFile(dir);
  const { dual, tokenizer } = await loadDualEncoder(dir);
  return { dual, tokenizer, optimizer, state };
}
