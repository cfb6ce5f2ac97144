/**
 * A cheap check of a word-vector file's first lines, by the rules of the reader in
 * word-vectors.ts, so a bad file fails before training instead of when the grid reads it
 * (reading a large file whole takes seconds to minutes). A JSON file must start with '{';
 * a text file's first vector line (after an optional word2vec "count dims" header on line 1)
 * must be a word and finite numbers, as many as the header says. Later lines are not read.
 */
import { open, stat } from 'node:fs/promises';

/** Lines read: enough to pass a header and a few blank lines. */
const HEAD_LINES = 8;
/** Bytes read at most: a vector line is a few KB. */
const HEAD_BYTES = 4 << 20;

/** Throws naming `path` (and the line) unless the file starts like word vectors. */
export async function checkWordVectorsHead(path: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${path}: cannot read the file (${error.code ?? error.message})`, {
      cause: error,
    });
  });
  if (!info.isFile()) throw new Error(`${path}: not a file`);
  const lines = await firstLines(path, HEAD_LINES);
  const firstAt = lines.findIndex((l) => l.trim() !== '');
  if (firstAt < 0) throw new Error(`${path}: no word vectors in its first ${HEAD_LINES} lines`);
  if (path.endsWith('.json')) {
    if (!lines[firstAt]!.trimStart().startsWith('{'))
      throw new Error(`${path}:${firstAt + 1}: not a word-vector JSON object (expected "{")`);
    return;
  }
  const header = lines[0]!.trimEnd().split(' ');
  const hasHeader = header.length === 2;
  const at = lines.findIndex((l, i) => (i > 0 || !hasHeader) && l.trim() !== '');
  if (at < 0) throw new Error(`${path}: no vector line after the header on line 1`);
  const parts = lines[at]!.trimEnd().split(' ');
  if (parts.length < 2)
    throw new Error(`${path}:${at + 1}: expected "word v1 v2 … vD" (a word and numbers)`);
  const badAt = parts.slice(1).findIndex((v) => v === '' || !Number.isFinite(Number(v)));
  if (badAt >= 0)
    throw new Error(
      `${path}:${at + 1}: value ${badAt + 1} of "${parts[0]!.slice(0, 40)}" is not a number`,
    );
  const dims = Number(header[1]);
  if (hasHeader && Number.isInteger(dims) && dims !== parts.length - 1)
    throw new Error(
      `${path}:${at + 1}: ${parts.length - 1} values, but the header on line 1 says ${dims} dimensions`,
    );
}

/**
 * The first `n` lines from at most the first HEAD_BYTES of the file. A line cut by that
 * limit is dropped, or, when it is the only one, kept without its last (partial) value.
 */
async function firstLines(path: string, n: number): Promise<string[]> {
  const handle = await open(path, 'r');
  const buffer = new Uint8Array(HEAD_BYTES);
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0));
  } finally {
    await handle.close();
  }
  const lines = Buffer.from(buffer.buffer, 0, bytesRead).toString('utf8').split(/\r?\n/);
  if (bytesRead === HEAD_BYTES) {
    const cut = lines.pop()!;
    if (lines.length === 0) lines.push(cut.slice(0, Math.max(0, cut.lastIndexOf(' '))));
  }
  return lines.slice(0, n);
}
