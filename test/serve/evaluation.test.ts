/**
 * ONNX Runtime in evaluation: a corpus encoded on ONNX Runtime equals tfjs's within 1e-4,
 * queries encoded on it (evaluateDenseOn) give the same run and metrics as evaluateDense on
 * tfjs, and query latency is measured through the engine's embedBatch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetrievalDataset } from '../../src/data/types.js';
import { initBackend } from '../../src/backend/index.js';
import { evaluateDense, evaluateDenseOn, queryEncoderLatency } from '../../src/eval/index.js';
import { disposeEncoder, embedTexts, loadEncoder, type Encoder } from '../../src/model/index.js';
import type { DenseIndex } from '../../src/retrieval/index.js';
import { createEncoderEngine, type EncoderEngine } from '../../src/serve/index.js';
import { Random } from '../../src/util/random.js';
import type { WordPieceTokenizer } from '../../src/text/index.js';
import { fixture } from '../model/helpers.js';

let encoder: Encoder;
let tokenizer: WordPieceTokenizer;
let engine: EncoderEngine;
let dataset: RetrievalDataset;

/** 40 documents and 24 queries of vocabulary words; query i is judged relevant to doc i. */
function syntheticDataset(words: readonly string[]): RetrievalDataset {
  const rng = new Random(5);
  const sentence = (n: number): string =>
    Array.from({ length: n }, () => words[Math.floor(rng.next() * words.length)]!).join(' ');
  const corpus: Record<string, { title: string; text: string }> = {};
  for (let i = 0; i < 40; i++) corpus[`d${i}`] = { title: '', text: sentence(12 + (i % 9)) };
  const queries: Record<string, { text: string }> = {};
  const qrels: Record<string, Record<string, number>> = {};
  for (let i = 0; i < 24; i++) {
    const doc = corpus[`d${i}`]!.text.split(' ');
    queries[`q${i}`] = { text: `${doc.slice(0, 3).join(' ')} ${sentence(3)}` };
    qrels[`q${i}`] = { [`d${i}`]: 1 };
  }
  return { name: 'synthetic', corpus, splits: { test: { queries, qrels } }, mainMetric: 'mrr@10' };
}

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
  ({ encoder, tokenizer } = await loadEncoder(fixture('small')));
  engine = await createEncoderEngine(encoder, {
    engine: 'onnxruntime',
    pooling: 'cls',
    threads: 1,
  });
  dataset = syntheticDataset(tokenizer.vocab.filter((t) => /^[a-z]{3,}$/.test(t)));
});
afterAll(async () => {
  await engine.dispose();
  disposeEncoder(encoder);
});

describe('evaluation on ONNX Runtime', () => {
  it('corpus vectors within 1e-4 of tfjs, and the same run and metrics', async () => {
    const ids = Object.keys(dataset.corpus);
    const texts = ids.map((id) => dataset.corpus[id]!.text);
    const tfjsVectors = embedTexts(encoder, tokenizer, texts, { maxLength: 64 });
    const ortVectors = await engine.embedTexts(tokenizer, texts, { maxLength: 64 });
    let maxAbs = 0;
    for (let i = 0; i < ortVectors.length; i++)
      maxAbs = Math.max(maxAbs, Math.abs(ortVectors[i]! - tfjsVectors[i]!));
    expect(maxAbs).toBeLessThan(1e-4);

    const index = (vectors: Float32Array): DenseIndex => ({
      dir: '',
      fingerprint: 'test',
      dim: encoder.config.hiddenSize,
      ids,
      vectors,
    });
    const onTfjs = evaluateDense(encoder, tokenizer, index(tfjsVectors), dataset);
    const onOrt = await evaluateDenseOn(engine, tokenizer, index(ortVectors), dataset);
    expect(onOrt.numQueries).toBe(24);
    expect(onOrt.metrics).toEqual(onTfjs.metrics);
    expect(onOrt.metrics['mrr@10']).toBeGreaterThan(0); // not vacuous: something is retrieved
    // Same documents with the same scores (1e-4); order may differ only among near-ties.
    for (const [q, docs] of Object.entries(onTfjs.run)) {
      const ort = onOrt.run[q]!;
      expect(Object.keys(ort).sort(), q).toEqual(Object.keys(docs).sort());
      for (const [doc, score] of Object.entries(docs))
        expect(Math.abs(ort[doc]! - score)).toBeLessThan(1e-4);
    }
  });

  it('refuses a mismatched pooling or index width', async () => {
    const index: DenseIndex = {
      dir: '',
      fingerprint: 't',
      dim: 3,
      ids: [],
      vectors: new Float32Array(0),
    };
    await expect(evaluateDenseOn(engine, tokenizer, index, dataset)).rejects.toThrow(
      /hidden size 64, the index 3/,
    );
    const ok: DenseIndex = { ...index, dim: 64 };
    await expect(
      evaluateDenseOn(engine, tokenizer, ok, dataset, { pooling: 'mean' }),
    ).rejects.toThrow(/pools "cls", options.pooling is "mean"/);
  });

  it('query latency runs through the engine', async () => {
    let calls = 0;
    const counted = async (batch: Parameters<EncoderEngine['embedBatch']>[0]) => {
      calls++;
      return engine.embedBatch(batch);
    };
    const texts = Object.values(dataset.splits.test!.queries).map((q) => q.text);
    const latency = await queryEncoderLatency(encoder, tokenizer, texts, {
      embedBatch: counted,
      runs: 4,
      warmup: 1,
      batchSizes: [1, 8],
    });
    expect(calls).toBe(10);
    expect(latency.byBatch[1]!.runs).toBe(4);
    expect(latency.byBatch[8]!.medianMs).toBeGreaterThan(0);
  });
});
