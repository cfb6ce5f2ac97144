/**
 * Runs from files: TREC (`qid Q0 docid rank score tag`), gzipped TREC (detected by the gzip
 * magic bytes, whatever the name), and JSON `{qid: {docid: score}}` (by a `.json` or
 * `.json.gz` name); written as TREC, gzipped when the name ends in `.gz`.
 *
 * TREC text goes through eval/trec.ts's reader: a gzipped file is inflated (node:zlib) to a
 * temporary file first, and a format error is reported against the original file name and
 * line. Errors always name the file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import type { Run } from '../../data/types.js';
import { formatRun, readRun, TrecFormatError, type WriteRunOptions } from '../trec.js';
import { writeFileAtomic } from '../../util/files.js';
import { parseJson } from '../../util/json.js';

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function isJsonName(path: string): boolean {
  return /\.json(\.gz)?$/i.test(path);
}

/** Parses a JSON run, checking its shape; ids stay own properties (JSON.parse defines them). */
export function parseJsonRun(text: string, file: string): Run {
  const value = parseJson(text, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `${file}: expected a JSON object {qid: {docid: score}}, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  const run = value as Record<string, unknown>;
  for (const qid of Object.keys(run)) {
    const docs = run[qid];
    if (typeof docs !== 'object' || docs === null || Array.isArray(docs)) {
      throw new Error(`${file}: query "${qid}": expected an object {docid: score}`);
    }
    for (const [docid, score] of Object.entries(docs)) {
      if (typeof score !== 'number' || !Number.isFinite(score)) {
        throw new Error(
          `${file}: query "${qid}" document "${docid}": score ${JSON.stringify(score)} is not a finite number`,
        );
      }
    }
  }
  return run as Run;
}

/** Reads gzipped TREC through trec.ts, reporting errors against `path`. */
async function readGzipTrec(path: string): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'kalelab-run-'));
  const plain = join(dir, 'run.txt');
  try {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(plain));
    return await readRun(plain);
  } catch (error) {
    if (error instanceof TrecFormatError) {
      const prefix = `${plain}:${error.line}: ${error.field}: `;
      throw new TrecFormatError(path, error.line, error.field, error.message.slice(prefix.length));
    }
    throw new Error(`${path}: cannot read gzipped run (${(error as Error).message})`, {
      cause: error,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads a run from a TREC, gzipped TREC or JSON file (see the file header). */
export async function readRunFile(path: string): Promise<Run> {
  let gz: boolean;
  try {
    gz = await isGzip(path);
  } catch (error) {
    throw new Error(
      `${path}: cannot open run file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { cause: error },
    );
  }
  if (isJsonName(path)) {
    const bytes = await readFile(path);
    return parseJsonRun((gz ? gunzipSync(bytes) : bytes).toString('utf8'), path);
  }
  return gz ? readGzipTrec(path) : readRun(path);
}

/** Writes a run as TREC text, gzipped when `path` ends in `.gz`; atomically. */
export async function writeRunFile(
  path: string,
  run: Run,
  options: WriteRunOptions = {},
): Promise<void> {
  const text = formatRun(run, options);
  await writeFileAtomic(path, /\.gz$/i.test(path) ? gzipSync(text) : text);
}
