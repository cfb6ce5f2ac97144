/**
 * A passage index on disk: the corpus encoded once by a passage encoder, in shards, and
 * reused by every query encoder (which is what makes KALE cheap: aligning a pruned query
 * encoder never re-encodes the corpus).
 *
 * Layout of an index folder:
 *   manifest.json            format, version, encoder fingerprint, shard size, document
 *                            count, sha256 of the id list, dim (once known), complete flag
 *   shard-00000.f32          float32 little-endian vectors, row-major [rows, dim]
 *   shard-00000.json         { "ids": [...], "rows": n, "dim": d } — written after the
 *                            vectors, so its presence marks the shard finished
 * Every file is written atomically (temporary name + rename). Encoding resumes after a
 * crash: finished shards (meta present, ids and size as expected) are kept, the others
 * are encoded again. The encoder is any `(texts) => Promise<Float32Array>` plus a
 * fingerprint string naming it (e.g. `encoderFingerprint(encoder)` + pooling), so this
 * file does not depend on the model code.
 *
 * Opening or resuming an index with another fingerprint, corpus or shard size is an
 * error: re-encoding is an explicit act (`removeIndex`, then `encodeCorpus`). Resuming
 * also removes the temporary files a killed run left (a SIGKILL skips their clean-up).
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentHash, float32FromLe, float32LeBytes } from '../util/bytes.js';
import {
  pathExists,
  removeStaleTemporaries,
  writeFileAtomic,
  writeJsonAtomic,
} from '../util/files.js';
import { silentProgress, type ProgressSink } from '../util/progress.js';

export type EmbedFunction = (texts: readonly string[]) => Promise<Float32Array>;

export const INDEX_FORMAT = 'kalelab-dense-index';
export const INDEX_VERSION = 1;

export interface IndexManifest {
  readonly format: typeof INDEX_FORMAT;
  readonly version: number;
  readonly fingerprint: string;
  readonly shardSize: number;
  readonly numDocs: number;
  readonly numShards: number;
  /** sha256 of the document ids joined by "\n". */
  readonly idsSha256: string;
  /** Vector size; null until the first shard is encoded. */
  readonly dim: number | null;
  readonly complete: boolean;
}

export interface DenseIndex {
  readonly dir: string;
  readonly fingerprint: string;
  readonly dim: number;
  /** Document ids, row order of `vectors`. */
  readonly ids: readonly string[];
  /** Row-major [ids.length, dim]. */
  readonly vectors: Float32Array;
}

export interface EncodeCorpusOptions {
  /** Documents per shard file (default 10000: 30 MB at dim 768; the unit of resumption). */
  readonly shardSize?: number;
  /** Texts per embed call (default 64). */
  readonly batchSize?: number;
  /** Progress over documents (default silent). */
  readonly progress?: ProgressSink;
}

export const DEFAULT_ENCODE_OPTIONS = Object.freeze({ shardSize: 10000, batchSize: 64 });

export interface EncodeCorpusResult {
  readonly index: DenseIndex;
  /** Shards encoded by this call. */
  readonly encodedShards: number;
  /** Shards found finished on disk and kept. */
  readonly reusedShards: number;
}

export class IndexMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexMismatchError';
  }
}

const shardName = (s: number): string => `shard-${String(s).padStart(5, '0')}`;

function idsHash(ids: readonly string[]): string {
  return new ContentHash().update(ids.join('\n')).hex();
}

/** Reads an index folder's manifest (throws if there is none or it is not one). */
export async function readManifest(dir: string): Promise<IndexManifest> {
  const path = join(dir, 'manifest.json');
  let parsed: IndexManifest;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as IndexManifest;
  } catch (error) {
    throw new Error(`${path}: cannot read the index manifest (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (parsed.format !== INDEX_FORMAT || parsed.version !== INDEX_VERSION) {
    throw new Error(
      `${path}: format "${String(parsed.format)}" v${String(parsed.version)}; expected ${INDEX_FORMAT} v${INDEX_VERSION}`,
    );
  }
  return parsed;
}

function checkFingerprint(dir: string, manifest: IndexManifest, fingerprint: string): void {
  if (manifest.fingerprint !== fingerprint) {
    throw new IndexMismatchError(
      `index ${dir} was encoded by "${manifest.fingerprint}", not "${fingerprint}"; ` +
        're-encoding is explicit: call removeIndex(dir), then encodeCorpus',
    );
  }
}

interface ShardMeta {
  readonly ids: string[];
  readonly rows: number;
  readonly dim: number;
}

/** The shard's meta if the shard is finished and matches `ids`; undefined otherwise. */
async function finishedShard(
  dir: string,
  s: number,
  ids: readonly string[],
): Promise<ShardMeta | undefined> {
  const metaPath = join(dir, `${shardName(s)}.json`);
  if (!(await pathExists(metaPath))) return undefined;
  const meta = JSON.parse(await readFile(metaPath, 'utf8')) as ShardMeta;
  if (
    meta.rows !== ids.length ||
    meta.ids.length !== ids.length ||
    meta.ids.some((id, i) => id !== ids[i])
  )
    return undefined;
  const size = (await stat(join(dir, `${shardName(s)}.f32`)).catch(() => undefined))?.size;
  return size === meta.rows * meta.dim * 4 ? meta : undefined;
}

/** Encodes one shard's texts in batches into one [rows, dim] matrix. */
async function encodeShard(
  ids: readonly string[],
  texts: readonly string[],
  embed: EmbedFunction,
  batchSize: number,
  onBatch: (rows: number) => void,
): Promise<{ vectors: Float32Array; dim: number }> {
  let out: Float32Array | undefined;
  let dim = 0;
  for (let b = 0; b < texts.length; b += batchSize) {
    const batch = texts.slice(b, b + batchSize);
    const vecs = await embed(batch);
    if (!(vecs instanceof Float32Array) || vecs.length === 0 || vecs.length % batch.length !== 0) {
      throw new Error(
        `encodeCorpus: embed returned ${vecs?.length} values for ${batch.length} texts (from doc "${ids[b]}")`,
      );
    }
    const d = vecs.length / batch.length;
    if (out === undefined) {
      dim = d;
      out = new Float32Array(texts.length * dim);
    } else if (d !== dim) {
      throw new Error(`encodeCorpus: embed returned dim ${d} for doc "${ids[b]}", earlier ${dim}`);
    }
    const bad = vecs.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new Error(
        `encodeCorpus: embedding of doc "${ids[b + Math.floor(bad / dim)]}" has a non-finite value`,
      );
    out.set(vecs, b * dim);
    onBatch(batch.length);
  }
  return { vectors: out ?? new Float32Array(0), dim };
}

/**
 * Encodes `docs` into an index folder, resuming from finished shards. `texts[i]` is what
 * the passage encoder sees for `ids[i]` (e.g. title and text). Throws IndexMismatchError
 * if the folder holds an index of another encoder, corpus or shard size.
 */
export async function encodeCorpus(
  dir: string,
  docs: { readonly ids: readonly string[]; readonly texts: readonly string[] },
  embed: EmbedFunction,
  fingerprint: string,
  options: EncodeCorpusOptions = {},
): Promise<EncodeCorpusResult> {
  const { shardSize, batchSize } = { ...DEFAULT_ENCODE_OPTIONS, ...options };
  const progress = options.progress ?? silentProgress;
  const { ids, texts } = docs;
  if (ids.length !== texts.length)
    throw new Error(`encodeCorpus: ${ids.length} ids but ${texts.length} texts`);
  if (new Set(ids).size !== ids.length)
    throw new Error('encodeCorpus: document ids are not unique');
  if (!Number.isInteger(shardSize) || shardSize < 1)
    throw new Error(`encodeCorpus: bad shardSize ${shardSize}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`encodeCorpus: bad batchSize ${batchSize}`);

  await removeStaleTemporaries(dir);
  const hash = idsHash(ids);
  const numShards = Math.ceil(ids.length / shardSize);
  let dim: number | null = null;
  if (await pathExists(join(dir, 'manifest.json'))) {
    const old = await readManifest(dir);
    checkFingerprint(dir, old, fingerprint);
    if (old.idsSha256 !== hash || old.numDocs !== ids.length || old.shardSize !== shardSize) {
      throw new IndexMismatchError(
        `index ${dir} holds another corpus or shard size (${old.numDocs} docs, shards of ${old.shardSize}); ` +
          'call removeIndex(dir) to re-encode',
      );
    }
    dim = old.dim;
  }
  const manifest = (complete: boolean): IndexManifest => ({
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    fingerprint,
    shardSize,
    numDocs: ids.length,
    numShards,
    idsSha256: hash,
    dim,
    complete,
  });
  await writeJsonAtomic(join(dir, 'manifest.json'), manifest(false));

  let encodedShards = 0;
  let reusedShards = 0;
  let done = 0;
  for (let s = 0; s < numShards; s++) {
    const from = s * shardSize;
    const shardIds = ids.slice(from, from + shardSize);
    const meta = await finishedShard(dir, s, shardIds);
    if (meta && (dim === null || meta.dim === dim)) {
      dim = meta.dim;
      reusedShards++;
      done += shardIds.length;
      progress({ label: 'encode corpus', done, total: ids.length, detail: `shard ${s} kept` });
      continue;
    }
    const shard = await encodeShard(
      shardIds,
      texts.slice(from, from + shardSize),
      embed,
      batchSize,
      (rows) => {
        done += rows;
        progress({ label: 'encode corpus', done, total: ids.length });
      },
    );
    if (dim !== null && shard.dim !== dim)
      throw new Error(`encodeCorpus: shard ${s} has dim ${shard.dim}, the index ${dim}`);
    const firstDim = dim === null;
    dim = shard.dim;
    const { vectors } = shard;
    await writeFileAtomic(join(dir, `${shardName(s)}.f32`), float32LeBytes(vectors));
    await writeJsonAtomic(join(dir, `${shardName(s)}.json`), {
      ids: shardIds,
      rows: shardIds.length,
      dim,
    });
    if (firstDim) await writeJsonAtomic(join(dir, 'manifest.json'), manifest(false));
    encodedShards++;
  }
  await writeJsonAtomic(join(dir, 'manifest.json'), manifest(true));
  return { index: await openIndex(dir, fingerprint), encodedShards, reusedShards };
}

/**
 * Loads a complete index into memory. Throws IndexMismatchError when it was encoded by
 * another fingerprint, and an error when it is incomplete (resume with encodeCorpus).
 */
export async function openIndex(dir: string, fingerprint: string): Promise<DenseIndex> {
  const manifest = await readManifest(dir);
  checkFingerprint(dir, manifest, fingerprint);
  if (!manifest.complete || manifest.dim === null) {
    throw new Error(
      `index ${dir} is incomplete; call encodeCorpus with the same encoder to finish it`,
    );
  }
  const dim = manifest.dim;
  const ids: string[] = [];
  const vectors = new Float32Array(manifest.numDocs * dim);
  for (let s = 0; s < manifest.numShards; s++) {
    const meta = JSON.parse(await readFile(join(dir, `${shardName(s)}.json`), 'utf8')) as ShardMeta;
    const bytes = await readFile(join(dir, `${shardName(s)}.f32`));
    if (meta.dim !== dim || bytes.byteLength !== meta.rows * dim * 4) {
      throw new Error(
        `${join(dir, shardName(s))}.f32: ${bytes.byteLength} bytes, expected ${meta.rows} rows × dim ${dim} × 4`,
      );
    }
    float32FromLe(bytes, `${join(dir, shardName(s))}.f32`, vectors, ids.length * dim);
    ids.push(...meta.ids);
  }
  if (ids.length !== manifest.numDocs || idsHash(ids) !== manifest.idsSha256) {
    throw new Error(
      `index ${dir}: shard ids do not match the manifest (${ids.length} of ${manifest.numDocs})`,
    );
  }
  return { dir, fingerprint, dim, ids, vectors };
}

/** Deletes an index folder: the explicit first step of re-encoding a corpus. */
export async function removeIndex(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
