/**
 * Texts → vectors with an encoder and its tokenizer: batched, length-sorted so each batch
 * pads little, results in input order, progress reported per batch.
 *
 * It keeps every vector in one Float32Array [N, H]; callers with more texts than fit call
 * it on chunks (the `kalelab encode` command does). It does not write files.
 */
import { explainHeapExhausted } from '../backend/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { normalizeRows, silentProgress, type ProgressSink } from '../util/index.js';
import { disposeTokenBatch, toTokenBatch } from './batch.js';
import { embed } from './encoder.js';
import type { Encoder, Pooling } from './weights.js';

export interface EmbedTextsOptions {
  /** 'cls' (default, the paper's choice) or 'mean'. */
  readonly pooling?: Pooling;
  /** Tokens per text, specials included. Default: the model's max_position_embeddings. */
  readonly maxLength?: number;
  /** Texts per forward pass (default 32: near the wasm throughput plateau at BERT-base). */
  readonly batchSize?: number;
  /** Called after each batch with done/total texts. */
  readonly progress?: ProgressSink;
  /** Progress label (default 'encode'). */
  readonly label?: string;
  /**
   * Scale each vector to unit L2 norm (default false): for models trained with cosine
   * similarity, so an inner-product index ranks by cosine. Zero vectors stay zero.
   */
  readonly normalize?: boolean;
}

/** Row i of the result ([N·H], row-major) is the vector of texts[i]. */
export function embedTexts(
  encoder: Encoder,
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  options: EmbedTextsOptions = {},
): Float32Array {
  const H = encoder.config.hiddenSize;
  const maxPos = encoder.config.maxPositionEmbeddings;
  const maxLength = options.maxLength ?? maxPos;
  const batchSize = options.batchSize ?? 32;
  const progress = options.progress ?? silentProgress;
  const label = options.label ?? 'encode';
  if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > maxPos) {
    throw new Error(
      `embedTexts: maxLength must be an integer in 2…${maxPos} (max_position_embeddings), got ${maxLength}`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`embedTexts: batchSize must be a positive integer, got ${batchSize}`);
  }
  // Longest first: similar lengths share a batch, and the slowest batch shows up early.
  const order = texts.map((_, i) => i).sort((a, b) => texts[b]!.length - texts[a]!.length || a - b);
  const out = new Float32Array(texts.length * H);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const encoded = tokenizer.encodeBatch(
      rows.map((i) => texts[i]!),
      { maxLength },
    );
    const batch = toTokenBatch(encoded);
    try {
      const vectors = embed(encoder, batch, options.pooling ?? 'cls'); // [b, H]
      const values = vectors.dataSync() as Float32Array;
      vectors.dispose();
      rows.forEach((i, r) => out.set(values.subarray(r * H, (r + 1) * H), i * H));
    } catch (error) {
      throw explainHeapExhausted(error, {
        caller: 'embedTexts',
        unit: 'batch',
        step: start / batchSize + 1,
        batch: `${rows.length} texts of ${encoded.seqLen} tokens`,
        advice: 'Lower batchSize or maxLength',
        resume: 'the wasm heap is unusable after this, so rerun in a new process',
      });
    } finally {
      disposeTokenBatch(batch);
    }
    progress({ label, done: Math.min(start + batchSize, order.length), total: order.length });
  }
  if (texts.length === 0) progress({ label, done: 0, total: 0 });
  if (options.normalize) normalizeRows(out, H);
  return out;
}
