import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import {
  onDemandTargets,
  onDemandTargetsOn,
  precomputeTargets,
  precomputeTargetsOn,
} from '../../src/compress/teacher-targets.js';
import { disposeEncoder } from '../../src/model/index.js';
import { createEncoderEngine } from '../../src/serve/index.js';
import { cls, syntheticQueries, tinyTeacher, tinyTokenizer } from './tiny.js';

describe('teacher targets', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu', announce: false });
  });

  it('precomputed rows equal per-batch rows and a direct embed, and leave nothing behind', async () => {
    const tokenizer = tinyTokenizer();
    const teacher = tinyTeacher(tokenizer);
    const queries = syntheticQueries(10);
    const tensors = tf.memory().numTensors;
    const pre = await precomputeTargets(teacher, tokenizer, queries, 32, 'cls', 4);
    const lazy = onDemandTargets(teacher, tokenizer, queries, 32, 'cls');
    const pick = [7, 0, 3, 3];
    const direct = tf.tidy(() => tf.gather(cls(teacher, tokenizer, queries), pick));
    const a = pre.rows(pick);
    const b = lazy.rows(pick);
    expect(a.shape).toEqual([4, 32]);
    // all 10 queries once (3 chunks) vs the 4 asked-for rows
    expect(pre.flops()).toBeGreaterThan(lazy.flops());
    expect(lazy.flops()).toBeGreaterThan(0);
    for (const other of [b, direct]) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, other))).dataSync()[0]!);
      expect(diff).toBeLessThan(1e-5); // padding lengths differ per batch: float rounding only
    }
    tf.dispose([a, b, direct]);
    expect(tf.memory().numTensors).toBe(tensors);
    disposeEncoder(teacher);
  });

  it('on ONNX Runtime: the same rows within 1e-4 and the same FLOPs; per batch needs prefetch', async () => {
    const tokenizer = tinyTokenizer();
    const teacher = tinyTeacher(tokenizer);
    const queries = syntheticQueries(10);
    const engine = await createEncoderEngine(teacher, { engine: 'onnxruntime', pooling: 'cls' });
    const onOrt = { embedBatch: engine.embedBatch, config: teacher.config };
    try {
      const tensors = tf.memory().numTensors;
      const pick = [7, 0, 3, 3];
      const tfjsPre = await precomputeTargets(teacher, tokenizer, queries, 32, 'cls', 4);
      const ortPre = await precomputeTargetsOn(onOrt, tokenizer, queries, 32, 4);
      const tfjsLazy = onDemandTargets(teacher, tokenizer, queries, 32, 'cls');
      const ortLazy = onDemandTargetsOn(onOrt, tokenizer, queries, 32);
      expect(() => ortLazy.rows(pick)).toThrow(/not prefetched/);
      await ortLazy.prefetch!(pick);
      const reference = tfjsPre.rows(pick);
      for (const other of [ortPre.rows(pick), ortLazy.rows(pick), tfjsLazy.rows(pick)]) {
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(reference, other))).dataSync()[0]!);
        expect(diff).toBeLessThan(1e-4);
        other.dispose();
      }
      reference.dispose();
      expect(ortPre.precomputed).toBe(true);
      expect(ortLazy.precomputed).toBe(false);
      expect(ortPre.flops()).toBe(tfjsPre.flops());
      expect(ortLazy.flops()).toBe(tfjsLazy.flops());
      expect(tf.memory().numTensors).toBe(tensors);
    } finally {
      await engine.dispose();
      disposeEncoder(teacher);
    }
  });
});
