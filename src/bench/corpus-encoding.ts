/**
 * Corpus-encoding throughput (passages per second) of the passage encoder at BERT-base
 * shape on each engine: what building a passage index costs. Pre-tokenized random passages
 * of a fixed length, so the number is the encoder's, not the tokenizer's.
 */
import { performance } from 'node:perf_hooks';
import { BERT_BASE_SHAPE } from './search.js';
import { createEncoder, disposeEncoder, type BertConfig } from '../model/index.js';
import { createEncoderEngine } from '../serve/index.js';
import { randomBatch } from './query-encoder.js';

export interface CorpusEncodingBench {
  readonly path: 'tfjs' | 'onnxruntime';
  readonly layers: number;
  readonly passages: number;
  readonly seqLen: number;
  readonly batch: number;
  readonly seconds: number;
  readonly passagesPerSecond: number;
}

export interface CorpusEncodingBenchOptions {
  readonly config?: BertConfig;
  /** Passages encoded per engine (default 512). */
  readonly passages?: number;
  /** Tokens per passage (default 128). */
  readonly seqLen?: number;
  /** Passages per forward pass (default 32). */
  readonly batch?: number;
  readonly paths?: ReadonlyArray<'tfjs' | 'onnxruntime'>;
  readonly threads?: number;
}

export async function benchCorpusEncoding(
  options: CorpusEncodingBenchOptions = {},
): Promise<CorpusEncodingBench[]> {
  const config = options.config ?? BERT_BASE_SHAPE;
  const passages = options.passages ?? 512;
  const seqLen = options.seqLen ?? 128;
  const batch = options.batch ?? 32;
  const encoder = createEncoder(config, 7);
  const rows: CorpusEncodingBench[] = [];
  try {
    for (const path of options.paths ?? (['tfjs', 'onnxruntime'] as const)) {
      const engine = await createEncoderEngine(encoder, {
        engine: path,
        ...(path === 'onnxruntime' && options.threads !== undefined
          ? { threads: options.threads }
          : {}),
      });
      try {
        await engine.embedBatch(randomBatch(config, Math.min(batch, passages), seqLen, 1)); // warm-up
        const started = performance.now();
        for (let done = 0; done < passages; done += batch) {
          await engine.embedBatch(
            randomBatch(config, Math.min(batch, passages - done), seqLen, 10 + done),
          );
        }
        const seconds = (performance.now() - started) / 1000;
        rows.push({
          path,
          layers: config.numHiddenLayers,
          passages,
          seqLen,
          batch,
          seconds: Math.round(seconds * 1e6) / 1e6,
          passagesPerSecond: Math.round((passages / seconds) * 100) / 100,
        });
      } finally {
        await engine.dispose();
      }
    }
  } finally {
    disposeEncoder(encoder);
  }
  return rows;
}
