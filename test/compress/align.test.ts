import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import {
  FrozenStateError,
  alignQueryEncoder,
  pruneQueryEncoder,
} from '../../src/compress/index.js';
import { disposeEncoder, encoderFingerprint, type Encoder } from '../../src/model/index.js';
import { createEncoderEngine } from '../../src/serve/index.js';
import type { WordPieceTokenizer } from '../../src/text/index.js';
import { gap, syntheticQueries, tinyTeacher, tinyTokenizer } from './tiny.js';

// wasm: ~10× faster than the plain-JS cpu backend for these training steps.
describe('alignQueryEncoder on a tiny random encoder (wasm)', () => {
  let tokenizer: WordPieceTokenizer;
  let teacher: Encoder;
  const queries = syntheticQueries(64, 7);
  const heldOut = syntheticQueries(64, 99);

  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    tokenizer = tinyTokenizer();
    teacher = tinyTeacher(tokenizer); // 4 layers, H = 32, init std 0.2
  });
  afterAll(() => disposeEncoder(teacher));

  it('with the teacher on ONNX Runtime takes the same steps within float rounding, per batch and precomputed', async () => {
    const engine = await createEncoderEngine(teacher, { engine: 'onnxruntime', pooling: 'cls' });
    const teacherEngine = { embedBatch: engine.embedBatch, config: teacher.config };
    try {
      for (const teacherTargets of ['per-batch', 'precompute'] as const) {
        const run = async (onOrt: boolean) => {
          const student = pruneQueryEncoder(teacher, 1).encoder;
          const result = await alignQueryEncoder(
            teacher,
            student,
            queries,
            tokenizer,
            { steps: 6, batchSize: 16, lr: 1e-3, objective: 'reference', teacherTargets },
            onOrt ? { teacherEngine } : {},
          );
          disposeEncoder(student);
          return result;
        };
        const tfjs = await run(false);
        const ort = await run(true);
        expect(ort.teacherTargets).toBe(tfjs.teacherTargets);
        expect(ort.flops).toBe(tfjs.flops);
        ort.history.forEach((loss, i) =>
          expect(loss, `step ${i + 1}`).toBeCloseTo(tfjs.history[i]!, 4),
        );
      }
    } finally {
      await engine.dispose();
    }
  });

  it('reduces the KL loss and brings the student CLS closer to the teacher CLS; teacher and tensors untouched', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const teacherPrint = encoderFingerprint(teacher);
    const { encoder: student, keptLayers } = pruneQueryEncoder(teacher, 1);
    expect(keptLayers).toEqual([0]);
    const before = gap(teacher, student, tokenizer, queries);
    const beforeHeld = gap(teacher, student, tokenizer, heldOut);

    const counts: number[] = [];
    let indexCalls = 0;
    const result = await alignQueryEncoder(
      teacher,
      student,
      queries,
      tokenizer,
      { steps: 30, batchSize: 16, lr: 1e-3 },
      {
        onStep: () => counts.push(tf.memory().numTensors),
        indexFingerprint: () => {
          indexCalls++;
          return 'index-v1';
        },
      },
    );
    const after = gap(teacher, student, tokenizer, queries);
    const afterHeld = gap(teacher, student, tokenizer, heldOut);

    // measured (wasm): KL 1.09 → 0.20, distance 8.3 → 3.6 on the training queries
    expect(before.kl).toBeGreaterThan(0.9);
    expect(after.kl).toBeLessThan(0.3 * before.kl);
    expect(after.distance).toBeLessThan(0.6 * before.distance);
    // ... and on queries it never saw
    expect(afterHeld.kl).toBeLessThan(0.3 * beforeHeld.kl);
    expect(afterHeld.distance).toBeLessThan(0.6 * beforeHeld.distance);

    const h = result.history;
    expect(h).toHaveLength(30);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(h.slice(-5))).toBeLessThan(0.4 * mean(h.slice(0, 5)));
    expect(result).toMatchObject({
      steps: 30,
      totalSteps: 30,
      examples: 30 * 16,
      completed: true,
      resumedFromStep: 0,
      teacherTargets: 'precomputed',
      teacherFingerprint: teacherPrint,
    });
    expect(result.student).toBe(student);
    expect(result.seconds).toBeGreaterThan(0);
    // student: 30 steps × 3 × a 1-layer forward on 32 rows; teacher: 64 queries × 4 layers once
    expect(result.flops).toBeGreaterThan(30 * 3 * 32 * 3 * 2 * 32 * 32 * 4);

    // the frozen guarantees
    expect(encoderFingerprint(teacher)).toBe(teacherPrint);
    expect(indexCalls).toBe(2);
    // no tensor leaks: constant across steps, and back to the start after (minus the student)
    expect(new Set(counts).size).toBe(1);
    disposeEncoder(student);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it("'plain' objective, per-batch teacher targets and every loss run and lower their own loss", async () => {
    for (const loss of ['kl', 'mse', 'cosine', 'kl+mse'] as const) {
      const { encoder: student } = pruneQueryEncoder(teacher, 2);
      const r = await alignQueryEncoder(teacher, student, queries, tokenizer, {
        loss,
        objective: 'plain',
        teacherTargets: 'per-batch',
        steps: 8,
        batchSize: 32,
        lr: 2e-3,
      });
      expect(r.teacherTargets).toBe('per-batch');
      expect(r.history[7]!, loss).toBeLessThan(r.history[0]!);
      disposeEncoder(student);
    }
  });

  it('throws FrozenStateError when the teacher or the index changes during alignment', async () => {
    const { encoder: student } = pruneQueryEncoder(teacher, 1);
    const original = teacher.weights.get('pooler.dense.bias') ?? [...teacher.weights.values()][0]!;
    const saved = original.clone();
    await expect(
      alignQueryEncoder(
        teacher,
        student,
        queries,
        tokenizer,
        { steps: 2, batchSize: 16 },
        {
          onStep: ({ step }) => {
            if (step === 1) tf.tidy(() => original.assign(tf.add(original, 1e-3)));
          },
        },
      ),
    ).rejects.toThrow(FrozenStateError);
    original.assign(saved);
    saved.dispose();

    let version = 0;
    await expect(
      alignQueryEncoder(
        teacher,
        student,
        queries,
        tokenizer,
        { steps: 1, batchSize: 16 },
        {
          indexFingerprint: () => `v${version++}`,
        },
      ),
    ).rejects.toThrow(/passage index changed during alignment \(fingerprint v0 → v1\)/);
    disposeEncoder(student);
  });

  it('refuses a student that shares variables with the teacher, and bad options', async () => {
    await expect(alignQueryEncoder(teacher, teacher, queries, tokenizer)).rejects.toThrow(
      /same encoder/,
    );
    const shared: Encoder = { config: teacher.config, weights: new Map(teacher.weights) };
    await expect(alignQueryEncoder(teacher, shared, queries, tokenizer)).rejects.toThrow(
      /is the teacher's own tf.Variable/,
    );
    const { encoder: student } = pruneQueryEncoder(teacher, 1);
    await expect(
      alignQueryEncoder(teacher, student, queries, tokenizer, { loss: 'kld' as 'kl' }),
    ).rejects.toThrow(/KaleOptions.loss: must be one of kl, mse, cosine, kl\+mse, got "kld"/);
    await expect(alignQueryEncoder(teacher, student, [], tokenizer)).rejects.toThrow(
      /queries is empty/,
    );
    disposeEncoder(student);
  });
});
