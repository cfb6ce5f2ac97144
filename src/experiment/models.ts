/**
 * Trained and aligned models of a grid, each made once: load from the workspace when it
 * is there, else train (or align), save atomically, and record what it cost.
 */
import { createHash } from 'node:crypto';
import type { RetrievalDataset } from '../data/types.js';
import {
  alignQueryEncoder,
  type AlignmentLossName,
  type KaleOptions,
  type AlignStepInfo,
} from '../compress/index.js';
import {
  cloneEncoder,
  loadEncoder,
  saveEncoder,
  type BertConfig,
  type Encoder,
} from '../model/index.js';
import type { DenseIndex } from '../retrieval/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import {
  createDualEncoder,
  dualEncoderFromEncoder,
  loadDualEncoder,
  saveDualEncoder,
  trainDualEncoder,
  zeroPositionEmbeddings,
  applyWordEmbeddings,
  type WordEmbeddingInit,
  type DualEncoder,
  type StepRecord,
  type TrainOptions,
} from '../train/index.js';
import { pathExists, writeJsonAtomic } from '../util/index.js';
import { readJson, type Workspace } from './workspace.js';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';

/** What making a model cost, saved beside it as train.json / align.json. */
export interface ComputeRecord {
  readonly steps: number;
  readonly examples: number;
  readonly seconds: number;
  /** Matrix-product FLOPs (model/flops.ts); absent in records written before it was kept. */
  readonly flops?: number;
  readonly history: readonly number[];
}

export interface TrainedDual {
  readonly dual: DualEncoder;
  readonly compute: ComputeRecord;
}

export interface ModelHooks {
  readonly onTrainStep?: (model: string, record: StepRecord) => void;
  readonly onAlignStep?: (model: string, info: AlignStepInfo) => void;
}

/** Whether the dual encoder `name` is trained and saved in the workspace. */
export function isTrained(ws: Workspace, name: string): Promise<boolean> {
  return pathExists(join(ws.model(name), 'train.json'));
}

/**
 * The dual encoder `name` with the given depths: loaded if saved, else trained on the
 * dataset's train split (from `init` when given, else freshly initialised).
 */
export async function ensureDual(
  ws: Workspace,
  name: string,
  spec: {
    readonly config: BertConfig;
    readonly queryLayers: number;
    readonly passageLayers: number;
    readonly seed: number;
    readonly init?: Encoder;
    /** Pretrained word-embedding rows for a from-scratch model (ignored with `init`). */
    readonly wordEmbeddings?: WordEmbeddingInit;
  },
  tokenizer: WordPieceTokenizer,
  dataset: RetrievalDataset,
  train: TrainOptions,
  hooks: ModelHooks = {},
): Promise<TrainedDual> {
  const dir = ws.model(name);
  if (await isTrained(ws, name)) {
    const { dual } = await loadDualEncoder(dir);
    return { dual, compute: await readJson<ComputeRecord>(join(dir, 'train.json')) };
  }
  const dual = spec.init
    ? spec.init.config.numHiddenLayers === spec.passageLayers
      ? dualEncoderFromEncoder(spec.init, { queryLayers: spec.queryLayers })
      : createDualEncoder({
          config: spec.init.config,
          queryLayers: spec.queryLayers,
          passageLayers: spec.passageLayers,
          seed: spec.seed,
        })
    : freshDual(spec);
  const result = await trainDualEncoder(
    dual,
    tokenizer,
    dataset,
    { ...train, checkpointDir: ws.checkpoint(name), checkpointEvery: train.checkpointEvery ?? 50 },
    { onStep: (record) => void hooks.onTrainStep?.(name, record) },
  );
  const compute: ComputeRecord = {
    steps: result.steps,
    examples: result.steps * (train.batchSize ?? 32) * (train.gradientAccumulation ?? 1),
    seconds: result.history.at(-1)?.seconds ?? result.seconds,
    flops: result.flops,
    history: result.history.map((r) => r.loss),
  };
  await saveDualEncoder(dir, dual, tokenizer);
  await writeJsonAtomic(join(dir, 'train.json'), compute);
  // The resume state (optimiser moments: 2x the weights) is useless once the model is saved.
  await rm(ws.checkpoint(name), { recursive: true, force: true });
  return { dual, compute };
}

/** A from-scratch dual encoder, position embeddings zeroed (see train/presets.ts for why). */
function freshDual(spec: {
  readonly config: BertConfig;
  readonly queryLayers: number;
  readonly passageLayers: number;
  readonly seed: number;
  readonly wordEmbeddings?: WordEmbeddingInit;
}): DualEncoder {
  const dual = createDualEncoder({
    config: spec.config,
    queryLayers: spec.queryLayers,
    passageLayers: spec.passageLayers,
    seed: spec.seed,
  });
  zeroPositionEmbeddings(dual);
  if (spec.wordEmbeddings) applyWordEmbeddings([dual.query, dual.passage], spec.wordEmbeddings);
  return dual;
}

/** sha256 of an index's vectors: alignment checks it before and after (never re-encoded). */
export function indexChecksum(index: DenseIndex): string {
  const bytes = new Uint8Array(
    index.vectors.buffer,
    index.vectors.byteOffset,
    index.vectors.byteLength,
  );
  return createHash('sha256').update(bytes).digest('hex');
}

export interface AlignedEncoder {
  readonly encoder: Encoder;
  readonly compute: ComputeRecord;
}

/**
 * `student` (a pruned copy; left untouched) aligned to `teacher` on `queries` with `loss`:
 * loaded if saved under `name`, else aligned and saved.
 */
export async function ensureAligned(
  ws: Workspace,
  name: string,
  teacher: Encoder,
  student: Encoder,
  queries: readonly string[],
  tokenizer: WordPieceTokenizer,
  kale: KaleOptions & { readonly loss: AlignmentLossName },
  index: DenseIndex,
  hooks: ModelHooks = {},
): Promise<AlignedEncoder> {
  const dir = ws.aligned(name);
  if (await pathExists(join(dir, 'align.json'))) {
    const { encoder } = await loadEncoder(dir);
    return { encoder, compute: await readJson<ComputeRecord>(join(dir, 'align.json')) };
  }
  const copy = cloneEncoder(student, { trainable: true });
  const result = await alignQueryEncoder(
    teacher,
    copy,
    queries,
    tokenizer,
    { ...kale, checkpointDir: ws.checkpoint(`align-${name}`) },
    {
      indexFingerprint: () => indexChecksum(index),
      onStep: (info) => hooks.onAlignStep?.(name, info),
    },
  );
  const compute: ComputeRecord = {
    steps: result.steps,
    examples: result.examples,
    seconds: result.seconds,
    flops: result.flops,
    history: [...result.history],
  };
  await saveEncoder(dir, copy, tokenizer);
  await writeJsonAtomic(join(dir, 'align.json'), {
    ...compute,
    flops: result.flops,
    options: result.options,
  });
  await rm(ws.checkpoint(`align-${name}`), { recursive: true, force: true });
  return { encoder: copy, compute };
}
