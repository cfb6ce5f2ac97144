import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { alignQueryEncoder, pruneQueryEncoder } from '../../src/compress/index.js';
import { disposeEncoder } from '../../src/model/index.js';
import { wasmOutOfBoundsTrap } from '../backend/wasm-trap.js';
import {
  RESUMABLE_OPTIONS,
  RESUMABLE_QUERIES,
  tinyTokenizer,
  useResumableTeacher,
} from './tiny.js';
import { useTempDir } from '../temp-dir.js';

// embed as it is, except that once armed it throws the trap the wasm backend throws when
// its heap runs out (a real heap exhaustion needs 4 GiB).
const trap = vi.hoisted(() => ({ armed: false }));
vi.mock('../../src/model/index.js', async (importActual) => {
  const actual = await importActual<typeof import('../../src/model/index.js')>();
  return {
    ...actual,
    embed: (...args: Parameters<typeof actual.embed>) => {
      if (trap.armed) throw wasmOutOfBoundsTrap();
      return actual.embed(...args);
    },
  };
});

describe('alignQueryEncoder when the wasm heap runs out', () => {
  const tokenizer = tinyTokenizer();
  const teacher = useResumableTeacher(tokenizer);
  const root = useTempDir('align-heap');
  const queries = RESUMABLE_QUERIES;
  const options = RESUMABLE_OPTIONS;

  it('says at which step, what to change and how to resume; the checkpoint resumes', async () => {
    const checkpointDir = join(root(), 'run');
    const student = pruneQueryEncoder(teacher(), 2).encoder;
    const failure = alignQueryEncoder(
      teacher(),
      student,
      queries,
      tokenizer,
      { ...options, checkpointDir },
      { onStep: ({ step }) => void (trap.armed = step === 4) },
    );
    await expect(failure).rejects.toThrow(
      /alignQueryEncoder: the wasm backend's heap \(at most 4 GiB\) ran out at step 5 with batches of 16 queries of up to 32 tokens\. Lower batchSize or maxLength; rerun with the same checkpointDir in a new process to resume from step 4\./,
    );
    await expect(failure).rejects.toHaveProperty('cause.message', 'memory access out of bounds');

    trap.armed = false;
    const resumed = await alignQueryEncoder(teacher(), student, queries, tokenizer, {
      ...options,
      checkpointDir,
    });
    expect(resumed.resumedFromStep).toBe(4);
    expect(resumed.steps).toBe(7);
    disposeEncoder(student);
  });

  it('names the step the checkpoint on disk holds, also one saved when a run was stopped', async () => {
    const checkpointDir = join(root(), 'stopped');
    // Teacher targets per batch: every embed call of the resumed run is inside a step.
    const run = { ...options, checkpointDir, teacherTargets: 'per-batch' as const };
    const student = pruneQueryEncoder(teacher(), 2).encoder;
    const stop = new AbortController();
    const stopped = await alignQueryEncoder(teacher(), student, queries, tokenizer, run, {
      signal: stop.signal,
      onStep: ({ step }) => void (step === 3 && stop.abort()),
    });
    expect(stopped.completed).toBe(false);
    expect(stopped.steps).toBe(3); // saved at 3, between the every-2 checkpoints

    trap.armed = true;
    const failure = alignQueryEncoder(teacher(), student, queries, tokenizer, run);
    await expect(failure).rejects.toThrow(/ran out at step 4 .* resume from step 3\./);
    trap.armed = false;
    disposeEncoder(student);
  });
});
