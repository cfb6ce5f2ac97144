/**
 * Resumable alignment: a checkpoint is a folder `<checkpointDir>/latest/` holding
 * `state.json` (position, loss history, what the run was: options, teacher, queries) and
 * `tensors.safetensors` (the student's weights and AdamW's moments, float32, in memory
 * layout — an internal resume file, not a Hugging Face checkpoint: save the final student
 * with `saveEncoder`). The folder is replaced atomically (writeDirAtomic), so a crash leaves
 * the previous checkpoint or the new one, never half of each.
 *
 * Restoring checks that the checkpoint belongs to this run (same numeric options, teacher,
 * queries and student weight names/shapes) and names the field that differs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { pathExists } from '../util/files.js';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  decodeFloat32,
  encodeSafetensors,
  parseSafetensors,
  type Encoder,
  type TensorToWrite,
} from '../model/index.js';
import type { AdamW, AdamWState } from '../train/index.js';
import { writeDirAtomic } from '../util/index.js';

export const CHECKPOINT_VERSION = 1;

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

const STUDENT = 'student/';
const MOMENT_M = 'adamw.m/';
const MOMENT_V = 'adamw.v/';

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
  const tensors: TensorToWrite[] = [];
  for (const [name, v] of student.weights) {
    tensors.push({
      name: STUDENT + name,
      shape: v.shape,
      data: Float32Array.from(v.dataSync() as Float32Array),
    });
  }
  const opt = optimizer.getState();
  for (const [name, m] of opt.moments) {
    tensors.push({ name: MOMENT_M + name, shape: m.shape, data: m.m });
    tensors.push({ name: MOMENT_V + name, shape: m.shape, data: m.v });
  }
  const full: CheckpointState & { optimizerStep: number } = { ...state, optimizerStep: opt.step };
  await writeDirAtomic(checkpointPath(checkpointDir), async (tmp) => {
    await writeFile(
      join(tmp, 'tensors.safetensors'),
      encodeSafetensors(tensors, { format: 'kalelab-align' }),
    );
    await writeFile(join(tmp, 'state.json'), JSON.stringify(full, null, 2) + '\n');
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
  const stateFile = join(dir, 'state.json');
  if (!(await pathExists(stateFile))) return undefined;
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as CheckpointState & {
    optimizerStep: number;
  };
  if (state.version !== CHECKPOINT_VERSION) {
    throw new Error(
      `${stateFile}: version ${state.version}, this kalelab reads version ${CHECKPOINT_VERSION}`,
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
  const tensorFile = join(dir, 'tensors.safetensors');
  const st = parseSafetensors(await readFile(tensorFile), tensorFile);
  const values = new Map<string, Float32Array>();
  for (const [name, v] of student.weights) {
    const entry = st.header.tensors.get(STUDENT + name);
    if (!entry || entry.shape.join(',') !== v.shape.join(',')) {
      throw new Error(
        `${tensorFile}: student weight "${name}" ${entry ? `has shape [${entry.shape.join(', ')}]` : 'is missing'}, the student has [${v.shape.join(', ')}]`,
      );
    }
    values.set(name, decodeFloat32(st, STUDENT + name));
  }
  const moments = new Map<string, { m: Float32Array; v: Float32Array; shape: number[] }>();
  for (const name of optimizer.names) {
    const entry = st.header.tensors.get(MOMENT_M + name);
    if (!entry) throw new Error(`${tensorFile}: no AdamW moments for "${name}"`);
    moments.set(name, {
      m: decodeFloat32(st, MOMENT_M + name),
      v: decodeFloat32(st, MOMENT_V + name),
      shape: [...entry.shape],
    });
  }
  const optState: AdamWState = { step: state.optimizerStep, moments };
  optimizer.setState(optState);
  for (const [name, v] of student.weights) {
    tf.tidy(() => v.assign(tf.tensor(values.get(name)!, v.shape, 'float32')));
  }
  return state;
}
