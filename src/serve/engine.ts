/**
 * The inference engine switch: 'tfjs' (kalelab's own forward pass, the one training uses),
 * 'onnxruntime' (the encoder exported to ONNX and run by onnxruntime-node) or 'auto'
 * (ONNX Runtime where it is installed, else tfjs). Inference only: training and KALE's
 * gradients stay on tfjs.
 *
 * An ONNX Runtime engine holds a snapshot of the encoder's weights taken when it is created;
 * create a new one after the weights change (training, alignment).
 */
import {
  embedTexts,
  embedTextsWith,
  type BatchEmbedder,
  type EmbedTextsOptions,
} from '../model/embed-texts.js';
import { disposeTokenBatch, toTokenBatch } from '../model/batch.js';
import { embed } from '../model/encoder.js';
import type { Encoder, Pooling } from '../model/weights.js';
import type { EncodedBatch, WordPieceTokenizer } from '../text/index.js';
import { onnxModelBytes, type Precision } from './model-bytes.js';
import { ortAvailable, OrtEncoderSession, type OrtEngineOptions } from './ort-engine.js';
import { isOneOf, nameList, unknownName } from '../util/names.js';

export const ENGINES = nameList('auto', 'onnxruntime', 'tfjs');
export type EngineName = (typeof ENGINES)[number];

/** The engine 'auto' resolves to here: 'onnxruntime' when onnxruntime-node loads. */
export async function resolveEngine(engine: EngineName = 'auto'): Promise<'onnxruntime' | 'tfjs'> {
  if (!isOneOf(ENGINES, engine)) throw unknownName('engine', String(engine), ENGINES);
  if (engine !== 'auto') return engine;
  return (await ortAvailable()) ? 'onnxruntime' : 'tfjs';
}

export interface EncoderEngineOptions extends OrtEngineOptions {
  /** Default 'auto'. */
  readonly engine?: EngineName;
  /** Pooling the engine computes (default 'cls'). */
  readonly pooling?: Pooling;
  /** ONNX Runtime only: 'fp32' (default) or 'int8' (dynamic quantization). */
  readonly precision?: Precision;
}

/** An encoder bound to an engine: pooled vectors of padded batches or of texts. */
export interface EncoderEngine {
  /** 'tfjs', 'onnxruntime' or 'onnxruntime-int8' (the bench `path` names). */
  readonly name: 'tfjs' | 'onnxruntime' | 'onnxruntime-int8';
  readonly pooling: Pooling;
  /** The encoder's hidden size and position table (vector size, longest input). */
  readonly hidden: number;
  readonly maxPositions: number;
  readonly embedBatch: BatchEmbedder;
  /** embedTexts on this engine (options.pooling must be the engine's, or absent). */
  embedTexts(
    tokenizer: WordPieceTokenizer,
    texts: readonly string[],
    options?: EmbedTextsOptions,
  ): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** One batch on tfjs: [b·H] pooled vectors, every tensor freed. */
function tfjsEmbedBatch(encoder: Encoder, encoded: EncodedBatch, pooling: Pooling): Float32Array {
  const batch = toTokenBatch(encoded);
  try {
    const vectors = embed(encoder, batch, pooling); // [b, H]
    const values = vectors.dataSync() as Float32Array;
    vectors.dispose();
    return values;
  } finally {
    disposeTokenBatch(batch);
  }
}

function checkPooling(engine: Pooling, asked: Pooling | undefined): void {
  if (asked !== undefined && asked !== engine) {
    throw new Error(`this engine pools "${engine}"; create one with pooling "${asked}"`);
  }
}

export async function createEncoderEngine(
  encoder: Encoder,
  options: EncoderEngineOptions = {},
): Promise<EncoderEngine> {
  const pooling = options.pooling ?? 'cls';
  const precision = options.precision ?? 'fp32';
  const resolved = await resolveEngine(options.engine);
  const shape = {
    hidden: encoder.config.hiddenSize,
    maxPositions: encoder.config.maxPositionEmbeddings,
  };
  if (resolved === 'tfjs') {
    if (precision !== 'fp32')
      throw new Error(`precision "${precision}" needs engine "onnxruntime"`);
    return {
      name: 'tfjs',
      pooling,
      hidden: shape.hidden,
      maxPositions: shape.maxPositions,
      embedBatch: (batch) => Promise.resolve(tfjsEmbedBatch(encoder, batch, pooling)),
      embedTexts: async (tokenizer, texts, o = {}) => {
        checkPooling(pooling, o.pooling);
        return embedTexts(encoder, tokenizer, texts, { ...o, pooling });
      },
      dispose: () => Promise.resolve(),
    };
  }
  const bytes = onnxModelBytes(encoder, { pooling, normalize: false }, precision);
  const session = await OrtEncoderSession.create(bytes, options);
  const embedBatch: BatchEmbedder = async (batch) => (await session.run(batch)).sentenceEmbedding;
  return {
    name: precision === 'int8' ? 'onnxruntime-int8' : 'onnxruntime',
    pooling,
    hidden: shape.hidden,
    maxPositions: shape.maxPositions,
    embedBatch,
    embedTexts: async (tokenizer, texts, o = {}) => {
      checkPooling(pooling, o.pooling);
      return await embedTextsWith(embedBatch, shape, tokenizer, texts, o);
    },
    dispose: () => session.dispose(),
  };
}

/**
 * One-shot embedTexts on `engine` (default 'auto'): creates the engine, encodes, disposes.
 * Equal to tfjs's embedTexts within float32 rounding (tests: 1e-4).
 */
export async function embedTextsOn(
  engine: EngineName,
  encoder: Encoder,
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  options: EmbedTextsOptions & OrtEngineOptions = {},
): Promise<Float32Array> {
  const e = await createEncoderEngine(encoder, {
    engine,
    pooling: options.pooling ?? 'cls',
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  try {
    return await e.embedTexts(tokenizer, texts, options);
  } finally {
    await e.dispose();
  }
}
