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
import { readLineBatches } from '../data/lines.js';
import { formatValue } from '../data/errors.js';
import { emptyRecord } from '../data/records.js';
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

/** A line or value for an error message: at most 80 characters (a bad line may be 50 MB). */
const shown = (text: string): string => formatValue(text);

/** Throws a TrecFormatError at the current line, naming `field`. */
type Fail = (field: string, message: string) => never;

/**
 * Calls `onFields` with the whitespace-split fields of every non-blank line, once the line
 * has as many fields as `layout` names (e.g. "qid 0 docid grade"). Lines that are not UTF-8
 * or too long to read (see data/lines.ts) are errors naming file and line.
 */
async function eachLine(
  path: string,
  layout: string,
  onFields: (fields: string[], fail: Fail) => void,
): Promise<void> {
  const count = layout.split(' ').length;
  for await (const batch of readLineBatches(path)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const n = batch.firstLine + i;
      const fail: Fail = (field, message) => {
        throw new TrecFormatError(path, n, field, message);
      };
      const problem = batch.bad?.get(i);
      if (problem !== undefined) fail('line', problem);
      const trimmed = batch.lines[i]!.trim();
      if (trimmed === '') continue;
      const fields = trimmed.split(/[ \t]+/);
      if (fields.length !== count)
        fail(
          'line',
          `expected ${count} fields "${layout}", got ${fields.length}: ${shown(fields.join(' '))}`,
        );
      onFields(fields, fail);
    }
  }
}

/** Stores `value` at table[qid][docid]; a pair seen before is an error ("judged twice"). */
function addOnce(
  table: Record<string, Record<string, number>>,
  qid: string,
  docid: string,
  value: number,
  fail: Fail,
  verb: string,
): void {
  const row = (table[qid] ??= emptyRecord<number>());
  if (docid in row) fail('docid', `${shown(docid)} is ${verb} twice for query ${shown(qid)}`);
  row[docid] = value;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a TREC qrels file: query id → doc id → integer grade (≥ 1 relevant, as trec_eval).
 * Records have no prototype, so ids such as "constructor" or "__proto__" are plain keys.
 * (data/qrels.ts's `readDatasetQrels` reads a dataset's qrels against its queries and corpus.)
 */
export async function readTrecQrels(path: string): Promise<Qrels> {
  const qrels = emptyRecord<Record<string, number>>();
  await eachLine(path, 'qid 0 docid grade', (f, fail) => {
    const [qid, , docid, gradeText] = f as [string, string, string, string];
    const grade = Number(gradeText);
    if (!/^[+-]?\d+$/.test(gradeText) || !Number.isSafeInteger(grade))
      fail('grade', `${shown(gradeText)} is not an integer (of at most 15 digits)`);
    addOnce(qrels, qid, docid, grade, fail, 'judged');
  });
  return qrels;
}

/**
 * Reads a run file: query id → doc id → score. The rank and tag columns are not used.
 * Scores must be finite doubles (`1e999` overflows to Infinity: an error, not a score).
 */
export async function readRun(path: string): Promise<Run> {
  const run = emptyRecord<Record<string, number>>();
  await eachLine(path, 'qid Q0 docid rank score tag', (f, fail) => {
    const [qid, , docid, , scoreText] = f as [string, string, string, string, string];
    if (!NUMBER.test(scoreText)) fail('score', `${shown(scoreText)} is not a number`);
    const score = Number(scoreText);
    if (!Number.isFinite(score))
      fail(
        'score',
        `${shown(scoreText)} is beyond the range of a double (it would read as ${score})`,
      );
    addOnce(run, qid, docid, score, fail, 'retrieved');
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
