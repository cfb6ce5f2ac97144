/**
 * Texts → vectors with an encoder and its tokenizer: batched, length-sorted so each batch
 * pads little, results in input order, progress reported per batch.
 *
 * `embedTexts` runs the forward pass on tfjs (synchronously); `embedTextsWith` runs the same
 * loop over any asynchronous `BatchEmbedder` — serve/engine.ts passes ONNX Runtime's. It
 * keeps every vector in one Float32Array [N, H]; callers with more texts than fit call it on
 * chunks (the `kalelab encode` command does). It does not write files.
 */
import { explainHeapExhausted } from '../backend/index.js';
import type { EncodedBatch, WordPieceTokenizer } from '../text/index.js';
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

/** One padded batch → its pooled vectors [b·H], row-major (an inference engine's forward). */
export type BatchEmbedder = (batch: EncodedBatch) => Promise<Float32Array>;

interface Plan {
  readonly H: number;
  readonly maxLength: number;
  readonly batchSize: number;
  readonly progress: ProgressSink;
  readonly label: string;
  /** Text indices, longest first: similar lengths share a batch, the slowest shows up early. */
  readonly order: readonly number[];
}

function plan(
  H: number,
  maxPos: number,
  texts: readonly string[],
  options: EmbedTextsOptions,
): Plan {
  const maxLength = options.maxLength ?? maxPos;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > maxPos) {
    throw new Error(
      `embedTexts: maxLength must be an integer in 2…${maxPos} (max_position_embeddings), got ${maxLength}`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`embedTexts: batchSize must be a positive integer, got ${batchSize}`);
  }
  const order = texts.map((_, i) => i).sort((a, b) => texts[b]!.length - texts[a]!.length || a - b);
  return {
    H,
    maxLength,
    batchSize,
    order,
    progress: options.progress ?? silentProgress,
    label: options.label ?? 'encode',
  };
}

/** The batches of a plan: the rows (text indices) of each and their encoding. */
function* batches(
  p: Plan,
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
): Generator<{ rows: number[]; encoded: EncodedBatch; start: number }> {
  for (let start = 0; start < p.order.length; start += p.batchSize) {
    const rows = p.order.slice(start, start + p.batchSize);
    const encoded = tokenizer.encodeBatch(
      rows.map((i) => texts[i]!),
      { maxLength: p.maxLength },
    );
    yield { rows, encoded, start };
  }
}

function place(p: Plan, out: Float32Array, rows: readonly number[], values: Float32Array): void {
  const { H } = p;
  rows.forEach((i, r) => out.set(values.subarray(r * H, (r + 1) * H), i * H));
}

function finish(
  p: Plan,
  out: Float32Array,
  done: number,
  options: EmbedTextsOptions,
): Float32Array {
  p.progress({ label: p.label, done: Math.min(done, p.order.length), total: p.order.length });
  if (options.normalize) normalizeRows(out, p.H);
  return out;
}

/** Row i of the result ([N·H], row-major) is the vector of texts[i]. Runs on tfjs. */
export function embedTexts(
  encoder: Encoder,
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  options: EmbedTextsOptions = {},
): Float32Array {
  const p = plan(encoder.config.hiddenSize, encoder.config.maxPositionEmbeddings, texts, options);
  const out = new Float32Array(texts.length * p.H);
  let done = 0;
  for (const { rows, encoded, start } of batches(p, tokenizer, texts)) {
    const batch = toTokenBatch(encoded);
    try {
      const vectors = embed(encoder, batch, options.pooling ?? 'cls'); // [b, H]
      const values = vectors.dataSync() as Float32Array;
      vectors.dispose();
      place(p, out, rows, values);
    } catch (error) {
      throw explainHeapExhausted(error, {
        caller: 'embedTexts',
        unit: 'batch',
        step: start / p.batchSize + 1,
        batch: `${rows.length} texts of ${encoded.seqLen} tokens`,
        advice: 'Lower batchSize or maxLength',
        resume: 'the wasm heap is unusable after this, so rerun in a new process',
      });
    } finally {
      disposeTokenBatch(batch);
    }
    done = start + rows.length;
    if (done < p.order.length) p.progress({ label: p.label, done, total: p.order.length });
  }
  return finish(p, out, done, options);
}

/**
 * embedTexts' loop over an asynchronous `embedBatch` (which pools as `options.pooling`
 * says; `normalize` is applied here, as on tfjs). `hidden` and `maxPositions` are the
 * encoder's.
 */
export async function embedTextsWith(
  embedBatch: BatchEmbedder,
  shape: { readonly hidden: number; readonly maxPositions: number },
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  options: EmbedTextsOptions = {},
): Promise<Float32Array> {
  const p = plan(shape.hidden, shape.maxPositions, texts, options);
  const out = new Float32Array(texts.length * p.H);
  let done = 0;
  for (const { rows, encoded, start } of batches(p, tokenizer, texts)) {
    const values = await embedBatch(encoded);
    if (values.length !== rows.length * p.H) {
      throw new Error(
        `embedTexts: the engine returned ${values.length} values for ${rows.length} texts of dimension ${p.H}`,
      );
    }
    place(p, out, rows, values);
    done = start + rows.length;
    if (done < p.order.length) p.progress({ label: p.label, done, total: p.order.length });
  }
  return finish(p, out, done, options);
}
