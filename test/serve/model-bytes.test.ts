/**
 * The exported graph on ONNX Runtime against the PyTorch oracle (../shared/oracle/encoder,
 * copied to test/fixtures/model) and against kalelab's tfjs encoder: hidden states at every
 * position, CLS and mean pooling, normalised vectors, pruned models.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import {
  disposeEncoder,
  disposeTokenBatch,
  embed,
  loadEncoderWeights,
  type Encoder,
} from '../../src/model/index.js';
import { decodeModel } from '../../src/serve/onnx-proto.js';
import { checkOpset, onnxModelBytes } from '../../src/serve/model-bytes.js';
import { OrtEncoderSession } from '../../src/serve/ort-engine.js';
import type { EncodedBatch } from '../../src/text/index.js';
import { normalizeRows } from '../../src/util/index.js';
import {
  fixture,
  maxViolation,
  readExpected,
  tokenBatch,
  type OracleInput,
} from '../model/helpers.js';

function encoded(input: OracleInput): EncodedBatch {
  const flat = (rows: number[][]): Int32Array => Int32Array.from(rows.flat());
  return {
    inputIds: flat(input.input_ids),
    attentionMask: flat(input.attention_mask),
    tokenTypeIds: flat(input.token_type_ids),
    batchSize: input.input_ids.length,
    seqLen: input.input_ids[0]!.length,
    lengths: input.attention_mask.map((r) => r.reduce((a, b) => a + b, 0)),
  };
}

describe.each(['tiny', 'small', 'tiny_strong', 'tiny_pruned_0_3'] as const)(
  '%s on ONNX Runtime',
  (model) => {
    let encoder: Encoder;
    const expected = readExpected(model === 'tiny_pruned_0_3' ? 'tiny' : model);
    const outputs = model === 'tiny_pruned_0_3' ? expected.pruned['0,3']! : expected.full;
    beforeAll(async () => {
      await initBackend({ prefer: 'cpu', announce: false });
      encoder = (await loadEncoderWeights(fixture(model))).encoder;
    });
    afterAll(() => disposeEncoder(encoder));

    for (const pooling of ['cls', 'mean'] as const) {
      it(`equals the oracle (${pooling} pooling, every input)`, async () => {
        const session = await OrtEncoderSession.create(
          onnxModelBytes(encoder, { pooling, normalize: false }),
        );
        try {
          for (const [name, input] of Object.entries(expected.inputs)) {
            const want = outputs[name]!;
            const got = await session.run(encoded(input), true);
            const hidden = maxViolation(got.lastHiddenState!, want.last_hidden_state.flat(2));
            const pooled = maxViolation(
              got.sentenceEmbedding,
              (pooling === 'cls' ? want.cls : want.mean_pooled).flat(),
            );
            expect(hidden.worst, `${name} hidden: max |Δ| ${hidden.maxAbs}`).toBeLessThanOrEqual(1);
            expect(pooled.worst, `${name} pooled: max |Δ| ${pooled.maxAbs}`).toBeLessThanOrEqual(1);
          }
        } finally {
          await session.dispose();
        }
      });
    }

    it('normalised vectors equal tfjs embed + normalizeRows within 1e-4', async () => {
      const session = await OrtEncoderSession.create(
        onnxModelBytes(encoder, { pooling: 'mean', normalize: true }),
      );
      try {
        for (const input of Object.values(expected.inputs)) {
          const batch = tokenBatch(input);
          const vectors = embed(encoder, batch, 'mean');
          const want = normalizeRows(vectors.dataSync() as Float32Array, encoder.config.hiddenSize);
          tf.dispose(vectors);
          disposeTokenBatch(batch);
          const got = (await session.run(encoded(input))).sentenceEmbedding;
          expect(maxViolation(got, want).maxAbs).toBeLessThan(1e-4);
        }
      } finally {
        await session.dispose();
      }
    });
  },
);

describe('onnxModelBytes', () => {
  it('writes opset 17 with dynamic batch and sequence axes and the named inputs/outputs', async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const { encoder } = await loadEncoderWeights(fixture('tiny'));
    const model = decodeModel(onnxModelBytes(encoder, { pooling: 'cls', normalize: false })) as {
      opsetImport: { domain: string; version: number }[];
      graph: {
        input: {
          name: string;
          type: { tensorType: { elemType: number; shape: { dim: { dimParam?: string }[] } } };
        }[];
        output: { name: string }[];
        node: { opType: string }[];
      };
    };
    disposeEncoder(encoder);
    expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(model.graph.input.map((i) => i.name)).toEqual([
      'input_ids',
      'attention_mask',
      'token_type_ids',
    ]);
    for (const input of model.graph.input) {
      expect(input.type.tensorType.elemType).toBe(7); // int64
      expect(input.type.tensorType.shape.dim.map((d) => d.dimParam)).toEqual(['batch', 'sequence']);
    }
    expect(model.graph.output.map((o) => o.name)).toEqual([
      'last_hidden_state',
      'sentence_embedding',
    ]);
    const ops = new Set(model.graph.node.map((n) => n.opType));
    expect(ops.has('LayerNormalization')).toBe(true);
    expect(ops.has('Erf')).toBe(true);
  });

  it('every opset it writes (17…21) loads in ONNX Runtime and gives the same vectors', async () => {
    const { encoder } = await loadEncoderWeights(fixture('tiny'));
    const input = encoded(readExpected('tiny').inputs['batch']!);
    const vectors: Float32Array[] = [];
    for (const opset of [17, 18, 19, 20, 21]) {
      const session = await OrtEncoderSession.create(
        onnxModelBytes(encoder, { pooling: 'mean', normalize: true, opset }),
      );
      vectors.push((await session.run(input)).sentenceEmbedding);
      await session.dispose();
    }
    disposeEncoder(encoder);
    for (const v of vectors) expect(Array.from(v)).toEqual(Array.from(vectors[0]!));
  });

  it('refuses an opset it does not write', () => {
    expect(() => checkOpset(13)).toThrow(/opset must be an integer in 17…21.*got 13/);
    expect(() => checkOpset(17.5)).toThrow(/got 17.5/);
  });
});
