/**
 * Dynamic int8 quantization: per-column symmetric 7-bit weights (hand-checked values), the
 * rewritten graph (every weight MatMul → DynamicQuantizeLinear/MatMulInteger chain, nothing
 * else touched), and ONNX Runtime's int8 outputs against fp32 on the oracle checkpoints.
 */
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { disposeEncoder, loadEncoderWeights } from '../../src/model/index.js';
import { buildBertGraph } from '../../src/serve/bert-graph.js';
import {
  onnxModels,
  OrtEncoderSession,
  quantizeGraph,
  quantizePerColumn,
  WEIGHT_QMAX,
} from '../../src/serve/index.js';
import type { EncodedBatch } from '../../src/text/index.js';
import { fixture, readExpected } from '../model/helpers.js';

describe('quantizePerColumn', () => {
  it('scales each column by its own max |w| / 63 and rounds', () => {
    // W [2, 3]: columns (1, −0.25), (0, 0), (−2, 0.5)
    const { values, scales } = quantizePerColumn(Float32Array.of(1, 0, -2, -0.25, 0, 0.5), 2, 3);
    expect(Array.from(scales)).toEqual([Math.fround(1 / 63), 1, Math.fround(2 / 63)]);
    expect(Array.from(values)).toEqual([63, 0, -63, -16, 0, 16]); // ∓15.75 → ∓16
    expect(WEIGHT_QMAX).toBe(63);
  });

  it('refuses a buffer that does not fill the shape', () => {
    expect(() => quantizePerColumn(new Float32Array(5), 2, 3)).toThrow(/5 values ≠ 2×3/);
  });
});

describe('quantizeGraph', () => {
  it('replaces exactly the weight MatMuls and keeps the caller graph as it was', async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const { encoder } = await loadEncoderWeights(fixture('tiny'));
    const graph = buildBertGraph(encoder, { pooling: 'cls', normalize: false });
    disposeEncoder(encoder);
    const before = graph.nodes.length;
    const q = quantizeGraph(graph);
    const count = (ops: readonly { opType: string }[], op: string): number =>
      ops.filter((n) => n.opType === op).length;
    const layers = 4;
    expect(count(graph.nodes, 'MatMul')).toBe(layers * 8); // 6 weights + scores + context
    expect(count(q.nodes, 'MatMul')).toBe(layers * 2);
    expect(count(q.nodes, 'MatMulInteger')).toBe(layers * 6);
    expect(count(q.nodes, 'DynamicQuantizeLinear')).toBe(layers * 6);
    expect(graph.nodes.length).toBe(before);
    expect(q.initializers.filter((t) => t.dataType === 3 && t.dims.length === 2)).toHaveLength(
      layers * 6,
    );
  });
});

describe('int8 on ONNX Runtime', () => {
  for (const model of ['tiny', 'small'] as const) {
    it(`${model}: pooled vectors stay within 3% (relative L2) of fp32`, async () => {
      await initBackend({ prefer: 'cpu', announce: false });
      const { encoder } = await loadEncoderWeights(fixture(model));
      const [fp32, int8] = onnxModels(encoder, { pooling: 'mean', normalize: false }, [
        'fp32',
        'int8',
      ]);
      disposeEncoder(encoder);
      const a = await OrtEncoderSession.create(fp32!);
      const b = await OrtEncoderSession.create(int8!);
      for (const input of Object.values(readExpected(model).inputs)) {
        const batch: EncodedBatch = {
          inputIds: Int32Array.from(input.input_ids.flat()),
          attentionMask: Int32Array.from(input.attention_mask.flat()),
          tokenTypeIds: Int32Array.from(input.token_type_ids.flat()),
          batchSize: input.input_ids.length,
          seqLen: input.input_ids[0]!.length,
          lengths: [],
        };
        const x = (await a.run(batch)).sentenceEmbedding;
        const y = (await b.run(batch)).sentenceEmbedding;
        let diff = 0;
        let norm = 0;
        for (let i = 0; i < x.length; i++) {
          diff += (x[i]! - y[i]!) ** 2;
          norm += x[i]! ** 2;
        }
        const rel = Math.sqrt(diff / norm);
        expect(rel).toBeGreaterThan(0); // it really is quantized
        expect(rel).toBeLessThan(0.03);
      }
      await a.dispose();
      await b.dispose();
    });
  }
});
