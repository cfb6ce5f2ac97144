/**
 * The on-disk layout of one dataset's experiment, and the cached steps that make a rerun
 * skip finished work: trained dual encoders, aligned query encoders and passage indexes
 * are saved once and loaded on the next run.
 *
 *   OUT/<dataset>/vocab.txt
 *   OUT/<dataset>/models/<name>/          dual encoders (query/, passage/, dual.json, train.json)
 *   OUT/<dataset>/aligned/<name>/         aligned query encoders (HF checkpoint, align.json)
 *   OUT/<dataset>/index/<name>/           passage indexes (shards + manifest)
 *   OUT/<dataset>/checkpoints/<name>/     resumable training / alignment state
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RetrievalDataset } from '../data/types.js';
import { embedTexts, encoderFingerprint, type Encoder, type Pooling } from '../model/index.js';
import { encodeCorpus, type DenseIndex } from '../retrieval/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { passageText } from '../train/index.js';
import type { ProgressSink } from '../util/index.js';

export interface Workspace {
  readonly root: string;
  readonly vocab: string;
  model(name: string): string;
  aligned(name: string): string;
  index(name: string): string;
  checkpoint(name: string): string;
}

/** Folder names are the dataset name with anything unsafe replaced. */
export function workspace(out: string, datasetName: string): Workspace {
  const root = join(out, datasetName.replace(/[^A-Za-z0-9._-]+/g, '_'));
  return {
    root,
    vocab: join(root, 'vocab.txt'),
    model: (name) => join(root, 'models', name),
    aligned: (name) => join(root, 'aligned', name),
    index: (name) => join(root, 'index', name),
    checkpoint: (name) => join(root, 'checkpoints', name),
  };
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/**
 * The passage index of `passage` over the dataset's corpus: encoded once (resuming from
 * finished shards), then reused by every query encoder paired with this passage encoder.
 */
export async function passageIndex(
  dir: string,
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
    dir,
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
  return index;
}
