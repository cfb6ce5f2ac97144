/**
 * The engine switch: 'auto' resolves to ONNX Runtime here (onnxruntime-node is installed),
 * embedTexts on ONNX Runtime equals tfjs's within 1e-4 (CLS and mean, normalised or not,
 * any batch size, input order kept), bad names are refused, tensors are freed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { disposeEncoder, embedTexts, loadEncoder, type Encoder } from '../../src/model/index.js';
import {
  createEncoderEngine,
  embedTextsOn,
  resolveEngine,
  type EngineName,
} from '../../src/serve/index.js';
import type { WordPieceTokenizer } from '../../src/text/index.js';
import { fixture } from '../model/helpers.js';

const TEXTS = Array.from(
  { length: 12 },
  (_, i) =>
    `query ${i}: ${'what is the name of the river that runs '.repeat(1 + (i % 4))}through town ${i * 13}?`,
);

let encoder: Encoder;
let tokenizer: WordPieceTokenizer;
beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
  ({ encoder, tokenizer } = await loadEncoder(fixture('small')));
});
afterAll(() => disposeEncoder(encoder));

function maxAbs(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('engines', () => {
  it("'auto' is ONNX Runtime where onnxruntime-node is installed", async () => {
    expect(await resolveEngine('auto')).toBe('onnxruntime');
    expect(await resolveEngine('tfjs')).toBe('tfjs');
    await expect(resolveEngine('gpu' as EngineName)).rejects.toThrow(
      /unknown engine "gpu"; allowed: auto, onnxruntime, tfjs/,
    );
  });

  for (const [pooling, normalize] of [
    ['cls', false],
    ['mean', true],
  ] as const) {
    it(`ONNX Runtime equals tfjs within 1e-4 (${pooling}${normalize ? ', normalised' : ''})`, async () => {
      const before = tf.memory().numTensors;
      for (const batchSize of [5, 64]) {
        const options = { pooling, normalize, batchSize, maxLength: 48 };
        const want = embedTexts(encoder, tokenizer, TEXTS, options);
        const got = await embedTextsOn('onnxruntime', encoder, tokenizer, TEXTS, options);
        expect(maxAbs(got, want)).toBeLessThan(1e-4);
        const viaTfjs = await embedTextsOn('tfjs', encoder, tokenizer, TEXTS, options);
        expect(maxAbs(viaTfjs, want)).toBe(0);
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('an engine reports progress per batch and refuses a pooling it was not built for', async () => {
    const engine = await createEncoderEngine(encoder, {
      engine: 'onnxruntime',
      pooling: 'mean',
      threads: 1,
    });
    try {
      expect(engine.name).toBe('onnxruntime');
      const events: number[] = [];
      await engine.embedTexts(tokenizer, TEXTS, {
        batchSize: 5,
        progress: (e) => events.push(e.done),
      });
      expect(events).toEqual([5, 10, 12]);
      await expect(engine.embedTexts(tokenizer, TEXTS, { pooling: 'cls' })).rejects.toThrow(
        /this engine pools "mean"/,
      );
      expect(await engine.embedTexts(tokenizer, [])).toHaveLength(0);
    } finally {
      await engine.dispose();
    }
  });

  it('int8 is an ONNX Runtime precision only', async () => {
    await expect(
      createEncoderEngine(encoder, { engine: 'tfjs', precision: 'int8' }),
    ).rejects.toThrow(/precision "int8" needs engine "onnxruntime"/);
    const engine = await createEncoderEngine(encoder, { engine: 'onnxruntime', precision: 'int8' });
    expect(engine.name).toBe('onnxruntime-int8');
    await engine.dispose();
  });
});
