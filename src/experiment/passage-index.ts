/**
 * The passage index of a passage encoder over a dataset's corpus, as the grid encodes it:
 * sharded on disk (retrieval/index-store.ts), resumed from finished shards, and loaded
 * again by every query encoder paired with that passage encoder. The passages go through
 * the grid's inference engine (ONNX Runtime over a snapshot of the trained weights, or tfjs).
 */
import type { RetrievalDataset } from '../data/types.js';
import { encoderFingerprint, type Encoder, type Pooling } from '../model/index.js';
import { encodeCorpus, type DenseIndex } from '../retrieval/index.js';
import { createEncoderEngine } from '../serve/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { passageText } from '../train/index.js';
import type { ProgressSink } from '../util/index.js';
import { isSealed, seal, type ArtifactRef } from './cache.js';

/**
 * The passage index `ref` of `passage` over the dataset's corpus: encoded once (resuming
 * from finished shards) and sealed, then loaded by every query encoder paired with it.
 */
export async function passageIndex(
  ref: ArtifactRef,
  passage: Encoder,
  tokenizer: WordPieceTokenizer,
  dataset: RetrievalDataset,
  options: {
    maxLength: number;
    pooling: Pooling;
    normalize?: boolean;
    progress: ProgressSink;
    /** Resolved engine (default 'tfjs'). */
    engine?: 'onnxruntime' | 'tfjs';
  },
): Promise<DenseIndex> {
  const engineName = options.engine ?? 'tfjs';
  const normalize = options.normalize ?? false;
  const ids = Object.keys(dataset.corpus);
  const texts = ids.map((id) => passageText(dataset.corpus[id]!));
  const maxLength = Math.min(options.maxLength, passage.config.maxPositionEmbeddings);
  const engine = await createEncoderEngine(passage, {
    engine: engineName,
    pooling: options.pooling,
  });
  let index: DenseIndex;
  try {
    // the fingerprint names the engine: shards of one engine never resume another's
    const fingerprint = `${encoderFingerprint(passage)}:${options.pooling}:${maxLength}${normalize ? ':unit' : ''}${engineName === 'tfjs' ? '' : `:${engineName}`}`;
    ({ index } = await encodeCorpus(
      ref.dir,
      { ids, texts },
      (batch) => engine.embedTexts(tokenizer, batch, { maxLength, normalize, batchSize: 64 }),
      fingerprint,
      { progress: options.progress, shardSize: 20000, batchSize: 2048 },
    ));
  } finally {
    await engine.dispose();
  }
  if (!(await isSealed(ref))) await seal(ref);
  return index;
}
