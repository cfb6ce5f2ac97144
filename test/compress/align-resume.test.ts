import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alignCheckpointPath,
  alignQueryEncoder,
  pruneQueryEncoder,
} from '../../src/compress/index.js';
import { disposeEncoder, encoderFingerprint, type Encoder } from '../../src/model/index.js';
import {
  RESUMABLE_OPTIONS,
  RESUMABLE_QUERIES,
  tinyTokenizer,
  useResumableTeacher,
} from './tiny.js';
import { useTempDir } from '../temp-dir.js';

describe('alignQueryEncoder checkpoints (wasm)', () => {
  const tokenizer = tinyTokenizer();
  const teacher = useResumableTeacher(tokenizer);
  const root = useTempDir('align');
  const queries = RESUMABLE_QUERIES;
  const options = RESUMABLE_OPTIONS;

  /** A fresh student, as a new process would build it: prune the teacher again. */
  const freshStudent = (): Encoder => pruneQueryEncoder(teacher(), 2).encoder;

  it('an interrupted and resumed run equals an uninterrupted one, bit for bit', async () => {
    const a = freshStudent();
    const full = await alignQueryEncoder(teacher(), a, queries, tokenizer, {
      ...options,
      checkpointDir: join(root(), 'a'),
    });
    const fullPrint = encoderFingerprint(a);

    // crash during step 5: the checkpoint after step 4 survives
    const dir = join(root(), 'b');
    const b1 = freshStudent();
    await expect(
      alignQueryEncoder(
        teacher(),
        b1,
        queries,
        tokenizer,
        { ...options, checkpointDir: dir },
        {
          onStep: ({ step }) => {
            if (step === 5) throw new Error('simulated crash');
          },
        },
      ),
    ).rejects.toThrow('simulated crash');
    disposeEncoder(b1);

    const b2 = freshStudent();
    const resumed = await alignQueryEncoder(teacher(), b2, queries, tokenizer, {
      ...options,
      checkpointDir: dir,
    });
    expect(resumed.resumedFromStep).toBe(4);
    expect(resumed.history).toEqual(full.history);
    expect(resumed.examples).toBe(full.examples);
    // compute is counted honestly: the resumed session encodes the queries with the teacher again
    expect(resumed.flops).toBeGreaterThan(full.flops);
    expect(resumed.flops).toBeLessThan(2 * full.flops);
    expect(resumed.examples).toBe(16 + 16 + 8 + 16 + 16 + 8 + 16);
    expect(encoderFingerprint(b2)).toBe(fullPrint);
    // only the finished checkpoint is left, no temporary folders
    expect(await readdir(dir)).toEqual(['latest']);
    expect((await readdir(alignCheckpointPath(dir))).sort()).toEqual([
      'optimizer.safetensors',
      'state.json',
      'student.safetensors',
    ]);

    // a finished run's checkpoint makes a rerun a no-op with the same result
    const b3 = freshStudent();
    const again = await alignQueryEncoder(teacher(), b3, queries, tokenizer, {
      ...options,
      checkpointDir: dir,
    });
    expect(again.resumedFromStep).toBe(7);
    expect(encoderFingerprint(b3)).toBe(fullPrint);
    for (const s of [a, b2, b3]) disposeEncoder(s);
  });

  it('stops on an abort signal with a checkpoint, and resumes from it', async () => {
    const dir = join(root(), 'c');
    const controller = new AbortController();
    const c1 = freshStudent();
    const stopped = await alignQueryEncoder(
      teacher(),
      c1,
      queries,
      tokenizer,
      { ...options, checkpointDir: dir },
      { onStep: ({ step }) => step === 3 && controller.abort(), signal: controller.signal },
    );
    expect(stopped.completed).toBe(false);
    expect(stopped.steps).toBe(3);
    disposeEncoder(c1);

    const c2 = freshStudent();
    const done = await alignQueryEncoder(teacher(), c2, queries, tokenizer, {
      ...options,
      checkpointDir: dir,
    });
    expect(done.resumedFromStep).toBe(3);
    expect(done.completed).toBe(true);
    expect(done.history.slice(0, 3)).toEqual(stopped.history);

    const d = freshStudent();
    const plain = await alignQueryEncoder(teacher(), d, queries, tokenizer, options);
    expect(done.history).toEqual(plain.history);
    expect(encoderFingerprint(c2)).toBe(encoderFingerprint(d));
    for (const s of [c2, d]) disposeEncoder(s);
  });

  it('refuses a checkpoint of a different run, naming the field', async () => {
    const s = freshStudent();
    await expect(
      alignQueryEncoder(teacher(), s, queries, tokenizer, {
        ...options,
        lr: 2e-3,
        checkpointDir: join(root(), 'b'),
      }),
    ).rejects.toThrow(/state.json: field "optionsKey" .* different alignment run/);
    await expect(
      alignQueryEncoder(teacher(), s, queries.slice(1), tokenizer, {
        ...options,
        checkpointDir: join(root(), 'b'),
      }),
    ).rejects.toThrow(/field "queriesHash"/);
    disposeEncoder(s);
  });

  it('a fractional number of epochs stops part-way: 0.5 of 3 batches is 2 steps', async () => {
    const student = freshStudent();
    try {
      const { steps: _steps, ...rest } = options;
      const result = await alignQueryEncoder(teacher(), student, queries, tokenizer, {
        ...rest,
        warmupSteps: 0,
        epochs: 0.5,
      });
      expect(result.steps).toBe(2);
      expect(result.examples).toBe(32);
      // Less than an epoch visits each query once: no teacher targets for the unused ones.
      expect(result.teacherTargets).toBe('per-batch');
    } finally {
      disposeEncoder(student);
    }
  });
});
