/**
 * The passage index of a passage encoder over a dataset's corpus, as the grid encodes it:
 * sharded on disk (retrieval/index-store.ts), resumed from finished shards, and loaded
 * again by every query encoder paired with that passage encoder.
 */
import type { RetrievalDataset } from '../data/types.js';
import { embedTexts, encoderFingerprint, type Encoder, type Pooling } from '../model/index.js';
import { encodeCorpus, type DenseIndex } from '../retrieval/index.js';
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
  options: { maxLength: number; pooling: Pooling; normalize?: boolean; progress: ProgressSink },
): Promise<DenseIndex> {
  const normalize = options.normalize ?? false;
  const ids = Object.keys(dataset.corpus);
  const texts = ids.map((id) => passageText(dataset.corpus[id]!));
  const maxLength = Math.min(options.maxLength, passage.config.maxPositionEmbeddings);
  const { index } = await encodeCorpus(
    ref.dir,
    { ids, texts },
    async (batch) =>
      embedTexts(passage, tokenizer, batch, {
        maxLength,
        pooling: options.pooling,
        normalize,
        batchSize: 64,
      }),
    `${encoderFingerprint(passage)}:${options.pooling}:${maxLength}${normalize ? ':unit' : ''}`,
    { progress: options.progress, shardSize: 20000, batchSize: 2048 },
  );
  if (!(await isSealed(ref))) await seal(ref);
  return index;
}
