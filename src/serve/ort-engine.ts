/**
 * ONNX Runtime (onnxruntime-node, an optional dependency) as an inference engine for an
 * exported encoder: a session over the model bytes or file, fed kalelab's EncodedBatch
 * (int32 ids widened to int64), returning the pooled vectors and, on request, the hidden
 * states. Loaded lazily, so kalelab works where the package is not installed.
 */
import type { EncodedBatch } from '../text/index.js';

type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort | undefined> | undefined;

/** onnxruntime-node, or undefined when it is not installed (or its binary does not load). */
export function loadOrt(): Promise<Ort | undefined> {
  // ONNX Runtime 1.30's POSIX builds start a telemetry uploader that writes a device id under
  // ~/.cache and logs under $TMPDIR (found by listing every file a command wrote): kalelab's
  // commands write only where they are told, so it is off unless the user set the variable.
  process.env['ORT_DISABLE_TELEMETRY'] ??= '1';
  ortModule ??= import('onnxruntime-node').then(
    (m) => m,
    () => undefined,
  );
  return ortModule;
}

/** True where onnxruntime-node is installed and loads. */
export async function ortAvailable(): Promise<boolean> {
  return (await loadOrt()) !== undefined;
}

export interface OrtEngineOptions {
  /**
   * Intra-op threads. Default: ONNX Runtime's own (one per physical core). Latency benchmarks
   * set it to compare engines at equal thread counts.
   */
  readonly threads?: number;
}

export interface OrtOutputs {
  /** [batch · hidden], row-major. */
  readonly sentenceEmbedding: Float32Array;
  /** [batch · seq · hidden], when asked for. */
  readonly lastHiddenState?: Float32Array;
}

async function requireOrt(): Promise<Ort> {
  const ort = await loadOrt();
  if (ort === undefined) {
    throw new Error(
      'engine "onnxruntime" needs the optional dependency onnxruntime-node: npm install onnxruntime-node (or use engine "tfjs")',
    );
  }
  return ort;
}

export class OrtEncoderSession {
  private constructor(
    private readonly ort: Ort,
    private readonly session: import('onnxruntime-node').InferenceSession,
  ) {}

  /** A session over an .onnx file's path or bytes, with all graph optimizations on. */
  static async create(
    model: string | Uint8Array,
    options: OrtEngineOptions = {},
  ): Promise<OrtEncoderSession> {
    const ort = await requireOrt();
    const sessionOptions: import('onnxruntime-node').InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      ...(options.threads !== undefined
        ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 }
        : {}),
    };
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
    return new OrtEncoderSession(ort, session);
  }

  /** Runs one padded batch. */
  async run(batch: EncodedBatch, withHidden = false): Promise<OrtOutputs> {
    const dims = [batch.batchSize, batch.seqLen];
    const feed = (ids: Int32Array): import('onnxruntime-node').Tensor =>
      new this.ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (v) => BigInt(v)),
        dims,
      );
    const feeds = {
      input_ids: feed(batch.inputIds),
      attention_mask: feed(batch.attentionMask),
      token_type_ids: feed(batch.tokenTypeIds),
    };
    const names = withHidden ? ['sentence_embedding', 'last_hidden_state'] : ['sentence_embedding'];
    const out = await this.session.run(feeds, names);
    const embedding = out['sentence_embedding']!.data as Float32Array;
    if (!withHidden) return { sentenceEmbedding: embedding };
    return {
      sentenceEmbedding: embedding,
      lastHiddenState: out['last_hidden_state']!.data as Float32Array,
    };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
