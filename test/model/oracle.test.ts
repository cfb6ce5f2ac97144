/**
 * The encoder against ../shared/oracle/encoder (PyTorch float64, rounded to float32):
 * last_hidden_state at every position (padded ones too: HF semantics), CLS and mean pooling,
 * for the full models and every pruned layer set, on the cpu and wasm backends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  disposeEncoder,
  disposeTokenBatch,
  embeddings,
  forward,
  loadEncoderWeights,
  pool,
  pruneLayers,
  type Encoder,
} from '../../src/model/index.js';
import { fixture, maxViolation, readExpected, tokenBatch, type OracleOutput } from './helpers.js';

const MODELS = ['tiny', 'small', 'tiny_strong'] as const;
const INPUTS = ['batch', 'pair', 'long'] as const;
const summary: Record<string, number> = {};

function check(
  encoder: Encoder,
  expected: Record<string, OracleOutput>,
  inputs: ReturnType<typeof readExpected>['inputs'],
  tag: string,
): void {
  for (const input of INPUTS) {
    const batch = tokenBatch(inputs[input]!);
    const hidden = forward(encoder, batch);
    const cls = pool(hidden, batch.attentionMask, 'cls');
    const mean = pool(hidden, batch.attentionMask, 'mean');
    const want = expected[input]!;
    const results = {
      last_hidden_state: maxViolation(hidden.dataSync(), want.last_hidden_state.flat(2)),
      cls: maxViolation(cls.dataSync(), want.cls.flat()),
      mean_pooled: maxViolation(mean.dataSync(), want.mean_pooled.flat()),
    };
    tf.dispose([hidden, cls, mean]);
    disposeTokenBatch(batch);
    for (const [what, r] of Object.entries(results)) {
      const key = `${tag}`;
      summary[key] = Math.max(summary[key] ?? 0, r.maxAbs);
      expect(r.worst, `${tag} ${input} ${what}: max |Δ| ${r.maxAbs}`).toBeLessThanOrEqual(1);
    }
  }
}

describe.each(['cpu', 'wasm'] as const)('encoder matches the PyTorch oracle on %s', (backend) => {
  for (const model of MODELS) {
    it(`${model}: full and every pruned layer set`, async () => {
      await initBackend({ prefer: backend, announce: false });
      const before = tf.memory().numTensors;
      const expected = readExpected(model);
      const { encoder } = await loadEncoderWeights(fixture(model));
      check(encoder, expected.full, expected.inputs, `${backend} ${model} full`);
      for (const [key, outputs] of Object.entries(expected.pruned)) {
        const keep = key.split(',').map(Number);
        expect(outputs.keep_layers).toEqual(keep);
        const pruned = pruneLayers(encoder, keep);
        expect(pruned.config.numHiddenLayers).toBe(keep.length);
        check(pruned, outputs, expected.inputs, `${backend} ${model} pruned ${key}`);
        disposeEncoder(pruned);
      }
      disposeEncoder(encoder);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('embeddings and every intermediate layer match hidden_states (tiny, small)', async () => {
    await initBackend({ prefer: backend, announce: false });
    for (const model of ['tiny', 'small'] as const) {
      const expected = readExpected(model);
      const states = (expected.full['batch'] as unknown as { hidden_states: number[][][][] })
        .hidden_states;
      const { encoder } = await loadEncoderWeights(fixture(model));
      expect(states.length).toBe(encoder.config.numHiddenLayers + 1);
      const batch = tokenBatch(expected.inputs['batch']!);
      const x0 = embeddings(encoder, batch);
      expect(maxViolation(x0.dataSync(), states[0]!.flat(2)).worst).toBeLessThanOrEqual(1);
      for (let k = 1; k <= encoder.config.numHiddenLayers; k++) {
        const prefix = pruneLayers(encoder, [...Array(k).keys()]);
        const h = forward(prefix, batch);
        const r = maxViolation(h.dataSync(), states[k]!.flat(2));
        expect(r.worst, `${model} after layer ${k - 1}: max |Δ| ${r.maxAbs}`).toBeLessThanOrEqual(
          1,
        );
        h.dispose();
        disposeEncoder(prefix);
      }
      x0.dispose();
      disposeTokenBatch(batch);
      disposeEncoder(encoder);
    }
  });

  it('tiny_pruned_0_3 checkpoint equals tiny pruned to [0, 3]', async () => {
    await initBackend({ prefer: backend, announce: false });
    const expected = readExpected('tiny');
    const { encoder } = await loadEncoderWeights(fixture('tiny_pruned_0_3'));
    expect(encoder.config.numHiddenLayers).toBe(2);
    check(encoder, expected.pruned['0,3']!, expected.inputs, `${backend} tiny_pruned_0_3`);
    disposeEncoder(encoder);
  });
});

afterAll(() => {
  if (process.env['KALELAB_REPORT_ORACLE'] === '1')
    process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
});
