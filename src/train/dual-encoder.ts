/**
 * A dual encoder: a query encoder and a passage encoder (BERT, src/model), untied by
 * default — the paper trains untied encoders whose depths are set independently.
 *
 * Three ways to build one:
 * - `createDualEncoder`: fresh, symmetric (12/12) or asymmetric from the start (e.g. a
 *   2-layer query encoder beside a 12-layer passage encoder). Both encoders are initialised
 *   from the same seed, so shared layers start equal, as DPR starts both from one BERT.
 * - `dualEncoderFromEncoder`: from a given (e.g. pretrained) encoder: the passage encoder is
 *   a copy and the query encoder a layer-map pruning of it (`pruneLayers` + `layerMap`) —
 *   the paper's "pre-training compression".
 * - `loadDualEncoder`: from a directory written by `saveDualEncoder` (query/, passage/).
 *
 * Tied means one encoder object serves both sides (same variables). It does not train
 * (trainer.ts does) or pool; `dualParameters` names every variable "query/…" / "passage/…".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  cloneEncoder,
  createEncoder,
  disposeEncoder,
  layerMap,
  loadEncoder,
  pruneLayers,
  saveEncoder,
  type BertConfig,
  type Encoder,
  type LayerStrategy,
} from '../model/index.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { writeDirAtomic, writeJsonAtomic } from '../util/index.js';
import type { NamedVariable } from './optimizer.js';

export interface DualEncoder {
  readonly query: Encoder;
  readonly passage: Encoder;
  /** True when `query` and `passage` are the same encoder (shared weights). */
  readonly tied: boolean;
  /**
   * True when untied encoders share their embedding tables (`embeddings.*`: the same
   * tf.Variables on both sides) — the "shared token embedder" of asymmetric dual encoders
   * (Dong et al. 2022). Equal words then keep equal vectors on both sides, so lexical
   * matching survives training; the transformer layers stay separate.
   */
  readonly sharedEmbeddings?: boolean;
}

export interface CreateDualOptions {
  /** Architecture of the passage encoder (and of the query encoder but for its depth). */
  readonly config: BertConfig;
  /** Query encoder depth. Default: config.numHiddenLayers. */
  readonly queryLayers?: number;
  /** Passage encoder depth. Default: config.numHiddenLayers. */
  readonly passageLayers?: number;
  /** One shared encoder (needs equal depths). Default false (the paper's untied encoders). */
  readonly tied?: boolean;
  /** Initialisation seed. Default 42. */
  readonly seed?: number;
  /** Share the embedding tables between untied encoders (see DualEncoder). Default false. */
  readonly sharedEmbeddings?: boolean;
}

export interface FromEncoderOptions {
  /** Query encoder depth; fewer than the source's layers prunes by `strategy`. Default: all. */
  readonly queryLayers?: number;
  /** Which layers the query encoder keeps. Default 'spread' (first and last, the paper's). */
  readonly strategy?: LayerStrategy;
  /** Share one copy of `encoder` for both sides (needs queryLayers = all). Default false. */
  readonly tied?: boolean;
  /** Share the embedding tables between the two (untied) sides. Default false. */
  readonly sharedEmbeddings?: boolean;
}

function checkDepth(where: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${where}: ${name} must be an integer ≥ 1, got ${value}`);
  }
  return value;
}

/** A freshly initialised dual encoder (see file header). */
export function createDualEncoder(options: CreateDualOptions): DualEncoder {
  const where = 'createDualEncoder';
  const { config } = options;
  const qLayers = checkDepth(where, 'queryLayers', options.queryLayers ?? config.numHiddenLayers);
  const pLayers = checkDepth(
    where,
    'passageLayers',
    options.passageLayers ?? config.numHiddenLayers,
  );
  const seed = options.seed ?? 42;
  const tied = options.tied ?? false;
  if (tied && qLayers !== pLayers) {
    throw new Error(
      `${where}: tied encoders need equal depths, got query ${qLayers} and passage ${pLayers}`,
    );
  }
  const passage = createEncoder({ ...config, numHiddenLayers: pLayers }, seed);
  if (tied) return { query: passage, passage, tied };
  const query = createEncoder({ ...config, numHiddenLayers: qLayers }, seed);
  return options.sharedEmbeddings ? shareEmbeddings(query, passage) : { query, passage, tied };
}

/**
 * A dual encoder from `encoder` (left untouched; the caller still owns it): passage = copy,
 * query = copy pruned to `queryLayers` layers by `layerMap(L, queryLayers, strategy)`.
 */
export function dualEncoderFromEncoder(
  encoder: Encoder,
  options: FromEncoderOptions = {},
): DualEncoder {
  const where = 'dualEncoderFromEncoder';
  const total = encoder.config.numHiddenLayers;
  const qLayers = checkDepth(where, 'queryLayers', options.queryLayers ?? total);
  if (qLayers > total) {
    throw new Error(`${where}: queryLayers ${qLayers} exceeds the encoder's ${total} layers`);
  }
  const tied = options.tied ?? false;
  if (tied && qLayers !== total) {
    throw new Error(
      `${where}: tied encoders need the full depth ${total}, got queryLayers ${qLayers}`,
    );
  }
  const passage = cloneEncoder(encoder, { trainable: true });
  if (tied) return { query: passage, passage, tied };
  const full = cloneEncoder(encoder, { trainable: true });
  let query = full;
  if (qLayers < total) {
    query = pruneLayers(full, layerMap(total, qLayers, options.strategy));
    disposeEncoder(full); // the pruned copies hold their own references to the kept buffers
  }
  return options.sharedEmbeddings ? shareEmbeddings(query, passage) : { query, passage, tied };
}

const isEmbedding = (name: string): boolean => name.startsWith('embeddings.');

/**
 * Makes untied encoders share the passage encoder's embedding tables: the query encoder's
 * own `embeddings.*` variables are freed and replaced. Both must have equal embedding shapes.
 */
export function shareEmbeddings(query: Encoder, passage: Encoder): DualEncoder {
  const weights = new Map(query.weights);
  for (const [name, v] of query.weights) {
    if (!isEmbedding(name)) continue;
    const shared = passage.weights.get(name);
    if (!shared || shared.shape.join(',') !== v.shape.join(',')) {
      throw new Error(
        `shareEmbeddings: "${name}" is [${v.shape.join(', ')}] in the query encoder, [${shared?.shape.join(', ') ?? 'missing'}] in the passage encoder`,
      );
    }
    if (shared !== v) v.dispose();
    weights.set(name, shared);
  }
  return { query: { config: query.config, weights }, passage, tied: false, sharedEmbeddings: true };
}

/** Every distinct variable of the dual encoder (shared ones once). */
function distinctVariables(dual: DualEncoder): Set<tf.Variable> {
  return new Set([...dual.query.weights.values(), ...dual.passage.weights.values()]);
}

/** Frees both encoders (shared variables once). */
export function disposeDualEncoder(dual: DualEncoder): void {
  for (const v of distinctVariables(dual)) v.dispose();
}

/**
 * Every trainable variable with a unique name "query/<hf name>" or "passage/<hf name>",
 * sorted within each side; a tied encoder's variables appear once, as "query/…".
 */
export function dualParameters(dual: DualEncoder): NamedVariable[] {
  const named = (prefix: string, enc: Encoder): NamedVariable[] =>
    [...enc.weights.entries()]
      .filter(([, v]) => v.trainable)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, variable]) => ({ name: `${prefix}/${name}`, variable }));
  const seen = new Set<tf.Variable>();
  return [...named('query', dual.query), ...named('passage', dual.passage)].filter((p) => {
    if (seen.has(p.variable)) return false; // tied or shared: listed once, under "query/"
    seen.add(p.variable);
    return true;
  });
}

/** Copies `from`'s values into `into`'s variables (same names and shapes), in place. */
export function assignDualEncoder(into: DualEncoder, from: DualEncoder): void {
  const copy = (dst: Encoder, src: Encoder, side: string): void => {
    for (const [name, v] of dst.weights) {
      const s = src.weights.get(name);
      if (!s) throw new Error(`assignDualEncoder: ${side} encoder lacks "${name}"`);
      if (s.shape.join(',') !== v.shape.join(',')) {
        throw new Error(
          `assignDualEncoder: ${side} "${name}" is [${s.shape}], expected [${v.shape}]`,
        );
      }
      v.assign(s as tf.Tensor);
    }
  };
  copy(into.query, from.query, 'query');
  copy(into.passage, from.passage, 'passage'); // tied/shared variables get the same value twice
}

interface DualMeta {
  readonly format: 'kalelab-dual-encoder';
  readonly version: 1;
  readonly tied: boolean;
  readonly sharedEmbeddings?: boolean;
  readonly queryLayers: number;
  readonly passageLayers: number;
}

/** Writes `dir/query/` and `dir/passage/` (HF checkpoints) and `dir/dual.json`, atomically. */
export async function saveDualEncoder(
  dir: string,
  dual: DualEncoder,
  tokenizer: WordPieceTokenizer,
): Promise<void> {
  await writeDirAtomic(dir, (tmp) => writeDualInto(tmp, dual, tokenizer));
}

/** The same as `saveDualEncoder` into an existing (temporary) folder; not atomic by itself. */
export async function writeDualInto(
  dir: string,
  dual: DualEncoder,
  tokenizer: WordPieceTokenizer,
): Promise<void> {
  await saveEncoder(join(dir, 'query'), dual.query, tokenizer);
  await saveEncoder(join(dir, 'passage'), dual.passage, tokenizer);
  const meta: DualMeta = {
    format: 'kalelab-dual-encoder',
    version: 1,
    tied: dual.tied,
    sharedEmbeddings: dual.sharedEmbeddings ?? false,
    queryLayers: dual.query.config.numHiddenLayers,
    passageLayers: dual.passage.config.numHiddenLayers,
  };
  await writeJsonAtomic(join(dir, 'dual.json'), meta);
}

/** Reads a folder written by `saveDualEncoder`. */
export async function loadDualEncoder(
  dir: string,
): Promise<{ dual: DualEncoder; tokenizer: WordPieceTokenizer }> {
  const metaPath = join(dir, 'dual.json');
  let meta: DualMeta;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as DualMeta;
  } catch (error) {
    throw new Error(`loadDualEncoder: cannot read ${metaPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (meta.format !== 'kalelab-dual-encoder') {
    throw new Error(
      `loadDualEncoder: ${metaPath}: field "format" is ${JSON.stringify(meta.format)}`,
    );
  }
  const q = await loadEncoder(join(dir, 'query'));
  if (meta.tied)
    return { dual: { query: q.encoder, passage: q.encoder, tied: true }, tokenizer: q.tokenizer };
  const p = await loadEncoder(join(dir, 'passage'));
  // Shared tables are saved on both sides (each folder is a complete HF checkpoint).
  const dual = meta.sharedEmbeddings
    ? shareEmbeddings(q.encoder, p.encoder)
    : { query: q.encoder, passage: p.encoder, tied: false };
  return { dual, tokenizer: q.tokenizer };
}
