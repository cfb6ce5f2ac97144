/**
 * The one cache of a grid's artifacts (vocabulary, trained dual encoders, passage indexes,
 * aligned query encoders, evaluations, finished rows), make-style: every artifact is named
 * by a SHA-256 of the content that produced it — the options that matter to its numbers,
 * the dataset's fingerprint and the keys of the artifacts it was made from. A changed
 * option or dataset therefore names a new artifact, and its dependents change with it;
 * nothing is ever reused under a name it no longer deserves.
 *
 *   OUT/<dataset>/<kind>/<name>-<key16>/     the artifact
 *   OUT/<dataset>/<kind>/<name>-<key16>/key.json   {key, content}: written last, the seal
 *   OUT/<dataset>/checkpoints/<kind>-<name>-<key16>/   resumable training / alignment state
 *
 * An artifact counts as made only once sealed; a folder without key.json is work in
 * progress (resumed where its maker can, else made again). A seal whose key differs from
 * the folder's expected key is a clear error, never silently used.
 *
 * It does not make artifacts: runRow and the model helpers do, and seal them here.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import stringify from 'fast-json-stable-stringify';
import { writeJsonAtomic } from '../util/index.js';

export type ArtifactKind = 'vocab' | 'models' | 'index' | 'aligned' | 'evals' | 'rows';

/** Where an artifact lives and what made it. Plain data: it crosses to the worker thread. */
export interface ArtifactRef {
  readonly kind: ArtifactKind;
  /** Human-readable part of the folder name ('full', 'kale-kl-q1', …). */
  readonly name: string;
  /** sha256 (hex) of the canonical JSON of {kind, content}. */
  readonly key: string;
  readonly dir: string;
  /** Resumable state of the maker (training, alignment); removed once sealed. */
  readonly checkpoint: string;
  /** What the key was computed from, written into key.json for whoever audits a result. */
  readonly content: unknown;
}

/** sha256 of `value`'s canonical JSON (object keys sorted, undefined fields dropped). */
export function contentKey(value: unknown): string {
  return createHash('sha256').update(stringify(value)).digest('hex');
}

/** Folder names are the dataset name with anything unsafe replaced. */
export function datasetRoot(out: string, datasetName: string): string {
  return join(out, datasetName.replace(/[^A-Za-z0-9._-]+/g, '_'));
}

/** The artifact of `kind` called `name` made from `content`, under `root` (datasetRoot). */
export function artifactRef(
  root: string,
  kind: ArtifactKind,
  name: string,
  content: unknown,
): ArtifactRef {
  const key = contentKey({ kind, content });
  const folder = `${name.replace(/[^A-Za-z0-9._+-]+/g, '_')}-${key.slice(0, 16)}`;
  return Object.freeze({
    kind,
    name,
    key,
    dir: join(root, kind, folder),
    checkpoint: join(root, 'checkpoints', `${kind}-${folder}`),
    content,
  });
}

/** Whether `ref` is made and sealed; throws if its seal names other content. */
export async function isSealed(ref: ArtifactRef): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(join(ref.dir, 'key.json'), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw error;
  }
  let sealed: { key?: unknown };
  try {
    sealed = JSON.parse(text) as { key?: unknown };
  } catch (error) {
    throw new Error(
      `${join(ref.dir, 'key.json')}: not valid JSON; remove ${ref.dir} to remake it`,
      {
        cause: error,
      },
    );
  }
  if (sealed.key !== ref.key) {
    throw new Error(
      `${join(ref.dir, 'key.json')}: sealed with key ${String(sealed.key)}, expected ${ref.key}; remove ${ref.dir} to remake it`,
    );
  }
  return true;
}

/** Marks `ref` as made: its key.json, written atomically after everything else. */
export async function seal(ref: ArtifactRef): Promise<void> {
  await writeJsonAtomic(join(ref.dir, 'key.json'), { key: ref.key, content: ref.content });
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
