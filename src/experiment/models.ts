/**
 * Trained and aligned models of a grid, each made once: load from the cache (cache.ts)
 * when sealed there, else train (or align), save, record what it cost, and seal.
 */
import { createHash } from 'node:crypto';
import type { RetrievalDataset } from '../data/types.js';
import {
  alignQueryEncoder,
  resolveKaleOptions,
  type AlignmentLossName,
  type KaleOptions,
  type AlignStepInfo,
} from '../compress/index.js';
import {
  cloneEncoder,
  loadEncoder,
  saveEncoder,
  scaleResidualOutputs,
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
  resolveTrainOptions,
  zeroPositionEmbeddings,
  applyWordEmbeddings,
  type WordEmbeddingInit,
  type DualEncoder,
  type StepRecord,
  type TrainOptions,
} from '../train/index.js';
import { createEncoderEngine } from '../serve/index.js';
import { writeJsonAtomic, type ProgressSink } from '../util/index.js';
import { isSealed, readJson, seal, type ArtifactRef } from './cache.js';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';

/**
 * Training checkpoints of grid models every 50 steps unless the options say otherwise
 * (TrainOptions' own default is none): a stopped grid then loses at most 50 steps.
 */
const GRID_CHECKPOINT_EVERY = 50;

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
  /** Progress of training (TrainHooks.progress). Default: train's defaultProgress(). */
  readonly progress?: ProgressSink;
  /** Stops training at the next step boundary (a checkpoint is kept). */
  readonly signal?: AbortSignal;
  readonly onTrainStep?: (model: string, record: StepRecord) => void;
  readonly onAlignStep?: (model: string, info: AlignStepInfo) => void;
}

/** A grid model's shape and starting point. */
export interface DualSpec {
  readonly config: BertConfig;
  readonly queryLayers: number;
  readonly passageLayers: number;
  readonly seed: number;
  readonly init?: Encoder;
  /** Pretrained word-embedding rows for a from-scratch model (ignored with `init`). */
  readonly wordEmbeddings?: WordEmbeddingInit;
}

/**
 * The dual encoder `ref` with the given depths: loaded if sealed, else trained on the
 * dataset's train split (from `init` when given, else freshly initialised), resuming from
 * `ref.checkpoint` when an earlier run was stopped.
 */
export async function ensureDual(
  ref: ArtifactRef,
  spec: DualSpec,
  tokenizer: WordPieceTokenizer,
  dataset: RetrievalDataset,
  train: TrainOptions,
  hooks: ModelHooks = {},
): Promise<TrainedDual> {
  const dir = ref.dir;
  if (await isSealed(ref)) {
    const { dual } = await loadDualEncoder(dir);
    return { dual, compute: await readJson<ComputeRecord>(join(dir, 'train.json')) };
  }
  const dual = startingDual(spec);
  const resolved = resolveTrainOptions(train);
  const result = await trainDualEncoder(
    dual,
    tokenizer,
    dataset,
    {
      ...train,
      checkpointDir: ref.checkpoint,
      checkpointEvery: train.checkpointEvery ?? GRID_CHECKPOINT_EVERY,
    },
    {
      onStep: (record) => void hooks.onTrainStep?.(ref.name, record),
      ...(hooks.progress ? { progress: hooks.progress } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    },
  );
  const compute: ComputeRecord = {
    steps: result.steps,
    examples: result.steps * resolved.batchSize * resolved.gradientAccumulation,
    seconds: result.history.at(-1)?.seconds ?? result.seconds,
    flops: result.flops,
    history: result.history.map((r) => r.loss),
  };
  await saveDualEncoder(dir, dual, tokenizer);
  await writeJsonAtomic(join(dir, 'train.json'), compute);
  await seal(ref);
  // The resume state (optimiser moments: 2x the weights) is useless once the model is saved.
  await rm(ref.checkpoint, { recursive: true, force: true });
  return { dual, compute };
}

/** What the grid model of `spec` starts training from: `init`'s layers, or a fresh model. */
export function startingDual(spec: DualSpec): DualEncoder {
  if (!spec.init) return freshDual(spec);
  return spec.init.config.numHiddenLayers === spec.passageLayers
    ? dualEncoderFromEncoder(spec.init, { queryLayers: spec.queryLayers })
    : createDualEncoder({
        config: spec.init.config,
        queryLayers: spec.queryLayers,
        passageLayers: spec.passageLayers,
        seed: spec.seed,
      });
}

/**
 * A from-scratch dual encoder: position embeddings zeroed (see train/presets.ts for why),
 * residual outputs scaled for the grid's full depth (model/init.ts for why; every model of
 * the grid is made with the full model's config, so their layers start the same).
 */
function freshDual(spec: DualSpec): DualEncoder {
  const dual = createDualEncoder({
    config: spec.config,
    queryLayers: spec.queryLayers,
    passageLayers: spec.passageLayers,
    seed: spec.seed,
  });
  zeroPositionEmbeddings(dual);
  if (spec.wordEmbeddings) applyWordEmbeddings([dual.query, dual.passage], spec.wordEmbeddings);
  for (const encoder of new Set([dual.query, dual.passage]))
    scaleResidualOutputs(encoder, spec.config.numHiddenLayers);
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
 * loaded if `ref` is sealed, else aligned, saved and sealed.
 */
export async function ensureAligned(
  ref: ArtifactRef,
  teacher: Encoder,
  student: Encoder,
  queries: readonly string[],
  tokenizer: WordPieceTokenizer,
  kale: KaleOptions & { readonly loss: AlignmentLossName },
  index: DenseIndex,
  hooks: ModelHooks = {},
  engine: 'onnxruntime' | 'tfjs' = 'tfjs',
): Promise<AlignedEncoder> {
  const dir = ref.dir;
  if (await isSealed(ref)) {
    const { encoder } = await loadEncoder(dir);
    return { encoder, compute: await readJson<ComputeRecord>(join(dir, 'align.json')) };
  }
  const copy = cloneEncoder(student, { trainable: true });
  // The teacher's targets on the grid's engine; the student trains on tfjs either way.
  const teacherEngine =
    engine === 'tfjs'
      ? undefined
      : await createEncoderEngine(teacher, { engine, pooling: resolveKaleOptions(kale).pooling });
  let result: Awaited<ReturnType<typeof alignQueryEncoder>>;
  try {
    result = await alignQueryEncoder(
      teacher,
      copy,
      queries,
      tokenizer,
      { ...kale, checkpointDir: ref.checkpoint },
      {
        indexFingerprint: () => indexChecksum(index),
        onStep: (info) => hooks.onAlignStep?.(ref.name, info),
        ...(teacherEngine
          ? { teacherEngine: { embedBatch: teacherEngine.embedBatch, config: teacher.config } }
          : {}),
      },
    );
  } finally {
    await teacherEngine?.dispose();
  }
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
  await seal(ref);
  await rm(ref.checkpoint, { recursive: true, force: true });
  return { encoder: copy, compute };
}
