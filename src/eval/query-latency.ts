/**
 * Query-encoder latency as the paper measures speedup: the time to encode queries at
 * batch 1 (online search) and batch 32, on the active backend, with real query texts —
 * so sequence lengths follow the dataset's query length distribution — or with a fixed
 * length (32 tokens, the paper's q_max_len) for comparability across datasets.
 *
 * The forward pass is tfjs's unless `embedBatch` names another engine's (serve/engine.ts:
 * ONNX Runtime fp32 or int8), so the serving engine's latency is measured the same way.
 */
import {
  type BatchEmbedder,
  disposeTokenBatch,
  embed,
  encoderFlops,
  toTokenBatch,
  type Encoder,
} from '../model/index.js';
import type { EncodedBatch, WordPieceTokenizer } from '../text/index.js';
import { measureLatency, type LatencyStats } from './latency.js';

export interface QueryLatencyOptions {
  /** Query tokens incl. specials; texts longer are cut (default 32). */
  readonly maxLength?: number;
  /** Pad every query to exactly maxLength instead of its own length (default false). */
  readonly fixedLength?: boolean;
  /** Untimed calls per batch size (default 3). */
  readonly warmup?: number;
  /** Timed calls per batch size (default 20). */
  readonly runs?: number;
  /** Batch sizes to time (default [1, 32]). */
  readonly batchSizes?: readonly number[];
  /**
   * The engine to time (an EncoderEngine's `embedBatch`); default: tfjs's forward pass of
   * `encoder`. Either way the call ends with the vectors on the host.
   */
  readonly embedBatch?: BatchEmbedder;
}

export interface QueryLatency {
  /** batch size → stats of one encoder call (tokenisation excluded). */
  readonly byBatch: Readonly<Record<number, LatencyStats>>;
  /** Mean tokens per query of the sample, specials included. */
  readonly meanTokens: number;
  /** Analytic forward GFLOPs for one query at the mean length. */
  readonly gflopsPerQuery: number;
}

/** Times `encoder` on `texts` (cycled through, in order) at each batch size. */
export async function queryEncoderLatency(
  encoder: Encoder,
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  options: QueryLatencyOptions = {},
): Promise<QueryLatency> {
  if (texts.length === 0) throw new Error('queryEncoderLatency: give at least one query text');
  const maxLength = Math.min(options.maxLength ?? 32, encoder.config.maxPositionEmbeddings);
  const pad = options.fixedLength ? maxLength : 'longest';
  const byBatch: Record<number, LatencyStats> = {};
  for (const size of options.batchSizes ?? [1, 32]) {
    // Tokenise up front: latency here is the encoder's, as in the paper.
    const batches: EncodedBatch[] = [];
    for (let start = 0; batches.length < 8; start += size) {
      const chunk = Array.from({ length: size }, (_, i) => texts[(start + i) % texts.length]!);
      batches.push(tokenizer.encodeBatch(chunk, { maxLength, padTo: pad }));
    }
    let call = 0;
    const engine = options.embedBatch;
    byBatch[size] = await measureLatency(
      async () => {
        const encoded = batches[call++ % batches.length]!;
        if (engine !== undefined) {
          await engine(encoded);
          return;
        }
        const batch = toTokenBatch(encoded);
        try {
          const out = embed(encoder, batch, 'cls');
          out.dataSync(); // wait for the backend to finish inside the timed call
          out.dispose();
        } finally {
          disposeTokenBatch(batch);
        }
      },
      { warmup: options.warmup ?? 3, runs: options.runs ?? 20 },
    );
  }
  const lengths = texts.map((t) => tokenizer.encode(t, { maxLength }).inputIds.length);
  const meanTokens = options.fixedLength
    ? maxLength
    : lengths.reduce((s, n) => s + n, 0) / lengths.length;
  const gflopsPerQuery = encoderFlops(encoder.config, 1, Math.round(meanTokens)) / 1e9;
  return { byBatch, meanTokens, gflopsPerQuery };
}
