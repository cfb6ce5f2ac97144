import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import {
  FrozenStateError,
  assertSeparateEncoders,
  freezeCheck,
  pruneQueryEncoder,
} from '../../src/compress/index.js';
import { disposeEncoder } from '../../src/model/index.js';
import { float32Hash } from '../../src/util/index.js';
import { tinyTeacher, tinyTokenizer } from './tiny.js';

describe('frozen-state guard', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu', announce: false });
  });

  it('passes when nothing changed and names what changed otherwise', async () => {
    const teacher = tinyTeacher(tinyTokenizer());
    const index = new Float32Array([0.5, -1, 2]);
    const check = await freezeCheck(teacher, () => float32Hash(index));
    await expect(check.verify()).resolves.toBeUndefined();

    index[1] = 7;
    await expect(check.verify()).rejects.toThrow(/passage index changed/);
    index[1] = -1;

    const w = teacher.weights.get('embeddings.LayerNorm.bias')!;
    tf.tidy(() => w.assign(tf.add(w, 1)));
    const error = await check.verify().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrozenStateError);
    expect(String(error)).toMatch(
      /teacher's weights changed .*fingerprint [0-9a-f]{16} → [0-9a-f]{16}/,
    );
    disposeEncoder(teacher);
  });

  it('accepts a pruned copy, rejects shared variables and a width mismatch', () => {
    const tok = tinyTokenizer();
    const teacher = tinyTeacher(tok);
    const pruned = pruneQueryEncoder(teacher, 2).encoder;
    expect(() => assertSeparateEncoders(teacher, pruned)).not.toThrow();
    const wide = tinyTeacher(tok, 3, { hiddenSize: 16, intermediateSize: 32 });
    expect(() => assertSeparateEncoders(teacher, wide)).toThrow(
      /student hiddenSize 16 ≠ teacher hiddenSize 32/,
    );
    for (const e of [teacher, pruned, wide]) disposeEncoder(e);
  });
});
