/**
 * Resumable alignment: a checkpoint is a folder `<checkpointDir>/latest/` holding
 *   state.json              position, loss history, what the run was (options, teacher, queries)
 *   student.safetensors     the student's weights, float32 in memory layout (Linear weights
 *                           [in, out]): an internal resume file, not a Hugging Face checkpoint
 *                           (save the final student with `saveEncoder`)
 *   optimizer.safetensors   AdamW's step and moments (train/optimizer-file.ts, the format
 *                           training checkpoints use too)
 * The folder is replaced atomically (writeDirAtomic), so a crash leaves the previous
 * checkpoint or the new one, never half of each; a crash between the swap's renames leaves
 * the new one complete under a temporary name, which restoring moves into place first
 * (settleAtomic).
 *
 * Restoring checks that the checkpoint belongs to this run (same numeric options, teacher,
 * queries, student weight names/shapes and trained parameters) and names the field that
 * differs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  decodeFloat32,
  encodeSafetensors,
  readSafetensors,
  type Encoder,
  type TensorToWrite,
} from '../model/index.js';
import { readOptimizerFile, writeOptimizerFile, type AdamW } from '../train/index.js';
import {
  pathExists,
  settleAtomic,
  writeDirAtomic,
  writeFileAtomic,
  writeJsonAtomic,
} from '../util/index.js';

/** 2: student and optimiser in separate files (1 kept both in tensors.safetensors). */
export const CHECKPOINT_VERSION = 2;

/** What identifies an alignment run; a checkpoint resumes only a run with equal identity. */
export interface RunIdentity {
  readonly optionsKey: string;
  readonly teacherFingerprint: string;
  readonly queriesHash: string;
  readonly queryCount: number;
}

export interface CheckpointState extends RunIdentity {
  readonly version: number;
  /** Optimiser steps finished. */
  readonly step: number;
  readonly totalSteps: number;
  /** Loss of every finished step. */
  readonly history: readonly number[];
  /** Seconds spent in alignment before this checkpoint, over all sessions. */
  readonly seconds: number;
  /** FLOPs spent before this checkpoint, over all sessions (see AlignResult.flops). */
  readonly flops: number;
}

const STUDENT_FILE = 'student.safetensors';

/** The checkpoint folder inside `checkpointDir`. */
export function checkpointPath(checkpointDir: string): string {
  return join(checkpointDir, 'latest');
}

/** Writes the checkpoint atomically. */
export async function saveAlignCheckpoint(
  checkpointDir: string,
  state: CheckpointState,
  student: Encoder,
  optimizer: AdamW,
): Promise<void> {
  const tensors: TensorToWrite[] = [...student.weights].map(([name, v]) => ({
    name,
    shape: v.shape,
    data: v.dataSync() as Float32Array,
  }));
  await writeDirAtomic(checkpointPath(checkpointDir), async (tmp) => {
    await writeFileAtomic(
      join(tmp, STUDENT_FILE),
      encodeSafetensors(tensors, { format: 'kalelab-align-student' }),
    );
    await writeOptimizerFile(tmp, optimizer.getState());
    await writeJsonAtomic(join(tmp, 'state.json'), state);
  });
}

/**
 * Restores the student's weights and the optimiser from the checkpoint in `checkpointDir`
 * when there is one, and returns its state; undefined when there is none.
 */
export async function restoreAlignCheckpoint(
  checkpointDir: string,
  identity: RunIdentity,
  student: Encoder,
  optimizer: AdamW,
): Promise<CheckpointState | undefined> {
  const dir = checkpointPath(checkpointDir);
  await settleAtomic(dir);
  const stateFile = join(dir, 'state.json');
  if (!(await pathExists(stateFile))) return undefined;
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as CheckpointState;
  if (state.version !== CHECKPOINT_VERSION) {
    throw new Error(
      `${stateFile}: version ${state.version}, this kalelab reads version ${CHECKPOINT_VERSION}; ` +
        `remove ${dir} to start the alignment over`,
    );
  }
  for (const field of ['optionsKey', 'teacherFingerprint', 'queriesHash', 'queryCount'] as const) {
    if (state[field] !== identity[field]) {
      throw new Error(
        `${stateFile}: field "${field}" is ${JSON.stringify(state[field])} but this run has ${JSON.stringify(identity[field])}; ` +
          'the checkpoint belongs to a different alignment run (remove the folder or use another checkpointDir)',
      );
    }
  }
  const values = await readStudent(join(dir, STUDENT_FILE), student);
  optimizer.setState(await readOptimizerFile(dir, optimizer.names));
  for (const [name, v] of student.weights) {
    tf.tidy(() => v.assign(tf.tensor(values.get(name)!, v.shape, 'float32')));
  }
  return state;
}

/** The student's saved weights, each checked against the live student's name and shape. */
async function readStudent(file: string, student: Encoder): Promise<Map<string, Float32Array>> {
  const st = await readSafetensors(file);
  const values = new Map<string, Float32Array>();
  for (const [name, v] of student.weights) {
    const entry = st.header.tensors.get(name);
    if (!entry || entry.shape.join(',') !== v.shape.join(',')) {
      throw new Error(
        `${file}: student weight "${name}" ${entry ? `has shape [${entry.shape.join(', ')}]` : 'is missing'}, the student has [${v.shape.join(', ')}]`,
      );
    }
    values.set(name, decodeFloat32(st, name));
  }
  return values;
}
