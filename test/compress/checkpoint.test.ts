import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import {
  CHECKPOINT_VERSION,
  checkpointPath,
  restoreAlignCheckpoint,
  saveAlignCheckpoint,
  type CheckpointState,
} from '../../src/compress/checkpoint.js';
import { disposeEncoder, encoderFingerprint, type Encoder } from '../../src/model/index.js';
import { AdamW, type AdamWState } from '../../src/train/index.js';
import { useTempDir } from '../temp-dir.js';
import { tinyTeacher, tinyTokenizer } from './tiny.js';

const IDENTITY = { optionsKey: 'k', teacherFingerprint: 't', queriesHash: 'q', queryCount: 4 };
const STATE: CheckpointState = {
  ...IDENTITY,
  version: CHECKPOINT_VERSION,
  step: 3,
  totalSteps: 9,
  history: [1.5, 1.25, 1],
  seconds: 2,
  flops: 1e6,
};

const adamw = (e: Encoder): AdamW =>
  new AdamW([...e.weights].map(([name, variable]) => ({ name, variable })));

/** Moments with recognisable values, as after `step` updates. */
function fakeMoments(e: Encoder, step: number): AdamWState {
  const moments = new Map(
    [...e.weights].map(([name, v], i) => [
      name,
      {
        m: new Float32Array(v.size).fill(i + 0.5),
        v: new Float32Array(v.size).fill(i + 0.25),
        shape: v.shape,
      },
    ]),
  );
  return { step, moments };
}

describe('saveAlignCheckpoint / restoreAlignCheckpoint', () => {
  const root = useTempDir('align-checkpoint');
  const tokenizer = tinyTokenizer();
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu', announce: false });
  });

  it('restores the student weights, the AdamW step and moments, and the state', async () => {
    const dir = join(root(), 'a');
    const saved = tinyTeacher(tokenizer, 5, { numHiddenLayers: 1 });
    const opt = adamw(saved);
    opt.setState(fakeMoments(saved, 3));
    await saveAlignCheckpoint(dir, STATE, saved, opt);
    expect((await readdir(checkpointPath(dir))).sort()).toEqual([
      'optimizer.safetensors',
      'state.json',
      'student.safetensors',
    ]);

    const fresh = tinyTeacher(tokenizer, 6, { numHiddenLayers: 1 });
    expect(encoderFingerprint(fresh)).not.toBe(encoderFingerprint(saved));
    const freshOpt = adamw(fresh);
    expect(await restoreAlignCheckpoint(dir, IDENTITY, fresh, freshOpt)).toEqual(STATE);
    expect(encoderFingerprint(fresh)).toBe(encoderFingerprint(saved));
    const got = freshOpt.getState();
    expect(got.step).toBe(3);
    for (const [name, want] of fakeMoments(saved, 3).moments) {
      expect([...got.moments.get(name)!.m]).toEqual([...want.m]);
      expect([...got.moments.get(name)!.v]).toEqual([...want.v]);
    }
    for (const e of [saved, fresh]) disposeEncoder(e);
    for (const o of [opt, freshOpt]) o.dispose();
    expect(await restoreAlignCheckpoint(join(root(), 'none'), IDENTITY, fresh, freshOpt)).toBe(
      undefined,
    );
  });

  it('refuses a version-1 checkpoint and a student of another shape, naming the file', async () => {
    const old = join(root(), 'old');
    await mkdir(checkpointPath(old), { recursive: true });
    const stateFile = join(checkpointPath(old), 'state.json');
    await writeFile(stateFile, JSON.stringify({ ...STATE, version: 1 }));
    const student = tinyTeacher(tokenizer, 5, { numHiddenLayers: 1 });
    const opt = adamw(student);
    await expect(restoreAlignCheckpoint(old, IDENTITY, student, opt)).rejects.toThrow(
      `${stateFile}: version 1, this kalelab reads version 2; remove ${checkpointPath(old)} to start the alignment over`,
    );

    const dir = join(root(), 'b');
    await saveAlignCheckpoint(dir, STATE, student, opt);
    const wider = tinyTeacher(tokenizer, 5, { numHiddenLayers: 1, intermediateSize: 48 });
    const before = encoderFingerprint(wider);
    const widerOpt = adamw(wider);
    await expect(restoreAlignCheckpoint(dir, IDENTITY, wider, widerOpt)).rejects.toThrow(
      `${join(checkpointPath(dir), 'student.safetensors')}: student weight "encoder.layer.0.intermediate.dense.weight" has shape [32, 64], the student has [32, 48]`,
    );
    expect(encoderFingerprint(wider)).toBe(before);
    for (const e of [student, wider]) disposeEncoder(e);
    for (const o of [opt, widerOpt]) o.dispose();
  });

  it("a kill between the swap's renames: restoring moves the complete new checkpoint into place", async () => {
    const dir = join(root(), 'swap');
    const student = tinyTeacher(tokenizer, 5, { numHiddenLayers: 1 });
    const opt = adamw(student);
    const newer: CheckpointState = { ...STATE, step: 5, history: [...STATE.history, 0.9, 0.8] };
    // what writeDirAtomic leaves killed just before its last rename: the previous folder
    // set aside, the new one complete, nothing at latest (see src/util/files.ts)
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await saveAlignCheckpoint(join(dir, 'prev'), STATE, student, opt);
    await saveAlignCheckpoint(join(dir, 'next'), newer, student, opt);
    const ckpt = join(dir, 'ckpt');
    await mkdir(ckpt);
    await rename(checkpointPath(join(dir, 'prev')), join(ckpt, `.latest.${dead}.7.old.tmp`));
    await rename(checkpointPath(join(dir, 'next')), join(ckpt, `.latest.${dead}.7.done.tmp`));

    const fresh = tinyTeacher(tokenizer, 6, { numHiddenLayers: 1 });
    const freshOpt = adamw(fresh);
    expect(await restoreAlignCheckpoint(ckpt, IDENTITY, fresh, freshOpt)).toEqual(newer);
    expect(encoderFingerprint(fresh)).toBe(encoderFingerprint(student));
    expect(await readdir(ckpt)).toEqual(['latest']);
    for (const e of [student, fresh]) disposeEncoder(e);
    for (const o of [opt, freshOpt]) o.dispose();
  });
});
