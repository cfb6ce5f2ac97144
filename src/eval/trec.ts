/**
 * TREC files: qrels (`qid 0 docid grade`) and runs (`qid Q0 docid rank score tag`), read
 * line by line (streaming, so large runs do not need a second copy in memory) and written
 * atomically. Errors name the file, the 1-based line, the field and the bad value.
 *
 * Reading keeps what trec_eval reads: the qrels' second column and the run's `Q0`, rank
 * and tag columns are checked for presence but not used (trec_eval ranks by score, see
 * eval/ranking.ts). A repeated (query, document) pair is an error, as in trec_eval.
 * Blank lines are skipped. Fields are separated by any run of spaces or tabs.
 *
 * It lives in eval/ because qrels and the trec_eval order are evaluation concepts;
 * retrieval/ produces `Run` objects and never imports from here.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Qrels, Run } from '../data/types.js';
import { compareBytes, trecEvalOrder } from './ranking.js';
import { writeFileAtomic } from '../util/files.js';

export class TrecFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    message: string,
  ) {
    super(`${file}:${line}: ${field}: ${message}`);
    this.name = 'TrecFormatError';
  }
}

/** Calls `onFields` with the whitespace-split fields of every non-blank line. */
async function eachLine(
  path: string,
  onFields: (fields: string[], line: number) => void,
): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    onFields(trimmed.split(/[ \t]+/), n);
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Reads a qrels file: query id → doc id → integer grade (≥ 1 relevant, as trec_eval). */
export async function readQrels(path: string): Promise<Qrels> {
  const qrels: Record<string, Record<string, number>> = {};
  await eachLine(path, (f, line) => {
    if (f.length !== 4) {
      throw new TrecFormatError(
        path,
        line,
        'line',
        `expected 4 fields "qid 0 docid grade", got ${f.length}: "${f.join(' ')}"`,
      );
    }
    const [qid, , docid, gradeText] = f as [string, string, string, string];
    if (!/^[+-]?\d+$/.test(gradeText)) {
      throw new TrecFormatError(path, line, 'grade', `"${gradeText}" is not an integer`);
    }
    const judged = (qrels[qid] ??= {});
    if (Object.hasOwn(judged, docid)) {
      throw new TrecFormatError(
        path,
        line,
        'docid',
        `"${docid}" is judged twice for query "${qid}"`,
      );
    }
    judged[docid] = Number(gradeText);
  });
  return qrels;
}

/** Reads a run file: query id → doc id → score. The rank and tag columns are not used. */
export async function readRun(path: string): Promise<Run> {
  const run: Record<string, Record<string, number>> = {};
  await eachLine(path, (f, line) => {
    if (f.length !== 6) {
      throw new TrecFormatError(
        path,
        line,
        'line',
        `expected 6 fields "qid Q0 docid rank score tag", got ${f.length}: "${f.join(' ')}"`,
      );
    }
    const [qid, , docid, , scoreText] = f as [string, string, string, string, string];
    if (!NUMBER.test(scoreText)) {
      throw new TrecFormatError(path, line, 'score', `"${scoreText}" is not a number`);
    }
    const docs = (run[qid] ??= {});
    if (Object.hasOwn(docs, docid)) {
      throw new TrecFormatError(
        path,
        line,
        'docid',
        `"${docid}" is retrieved twice for query "${qid}"`,
      );
    }
    docs[docid] = Number(scoreText);
  });
  return run;
}

export interface WriteRunOptions {
  /** The run's tag, last column (default "kalelab"); must contain no whitespace. */
  readonly tag?: string;
}

/**
 * Formats a run as TREC text: queries in byte order, documents in trec_eval order with
 * ranks 1..n, scores printed as the shortest decimal that reads back to the same double.
 */
export function formatRun(run: Run, options: WriteRunOptions = {}): string {
  const tag = options.tag ?? 'kalelab';
  if (tag === '' || /\s/.test(tag))
    throw new Error(`formatRun: tag "${tag}" must be non-empty without whitespace`);
  const parts: string[] = [];
  for (const qid of Object.keys(run).sort(compareBytes)) {
    if (/\s/.test(qid) || qid === '')
      throw new Error(`formatRun: query id "${qid}" is empty or has whitespace`);
    const docs = run[qid]!;
    trecEvalOrder(docs).forEach((docid, i) => {
      if (/\s/.test(docid) || docid === '')
        throw new Error(`formatRun: doc id "${docid}" (query "${qid}") is empty or has whitespace`);
      const score = docs[docid]!;
      if (!Number.isFinite(score))
        throw new Error(`formatRun: query "${qid}" doc "${docid}" has score ${score}`);
      parts.push(`${qid} Q0 ${docid} ${i + 1} ${String(score)} ${tag}\n`);
    });
  }
  return parts.join('');
}

/** Writes a run file atomically (temporary name, fsync, rename). */
export async function writeRun(
  path: string,
  run: Run,
  options: WriteRunOptions = {},
): Promise<void> {
  await writeFileAtomic(path, formatRun(run, options));
}

/** Formats qrels as TREC text (`qid 0 docid grade`), queries and documents in byte order. */
export function formatQrels(qrels: Qrels): string {
  const parts: string[] = [];
  for (const qid of Object.keys(qrels).sort(compareBytes)) {
    const docs = qrels[qid]!;
    for (const docid of Object.keys(docs).sort(compareBytes))
      parts.push(`${qid} 0 ${docid} ${docs[docid]!}\n`);
  }
  return parts.join('');
}

/** Writes a qrels file atomically. */
export async function writeQrels(path: string, qrels: Qrels): Promise<void> {
  await writeFileAtomic(path, formatQrels(qrels));
}
