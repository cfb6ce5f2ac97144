/**
 * Reads a qrels file line by line into query id → doc id → grade.
 *
 * - 'beir': tab-separated `query-id  corpus-id  score`, with a header line (detected by its
 *   text, so a header-less file also reads).
 * - 'trec': whitespace-separated `qid  iteration  docid  grade` (trec_eval, MS MARCO).
 *
 * Grades must be integers. A line naming a query or document that the dataset does not
 * have is counted (or thrown, with `unknownIds: 'error'`). The same pair twice with the same
 * grade is counted; with different grades it is an error.
 */
import { DatasetFormatError } from './errors.js';
import { collectBadLine } from './fields.js';
import { lineText, readLineBatches } from './lines.js';
import type { ResolvedLoadOptions } from './options.js';
import { emptyRecord } from './records.js';
import type { LoadReportBuilder } from './report.js';

export type QrelsFormat = 'beir' | 'trec';

export interface QrelsContext {
  readonly report: LoadReportBuilder;
  readonly options: ResolvedLoadOptions;
  readonly hasQuery: (id: string) => boolean;
  readonly hasDoc: (id: string) => boolean;
}

interface Unknown {
  readonly kind: string;
  readonly error: DatasetFormatError;
}

const INTEGER = /^[+-]?\d+$/;

function isBeirHeader(fields: readonly string[]): boolean {
  return fields[0]?.toLowerCase() === 'query-id' || fields[2]?.toLowerCase() === 'score';
}

export async function readDatasetQrels(
  path: string,
  format: QrelsFormat,
  ctx: QrelsContext,
): Promise<Record<string, Record<string, number>>> {
  const { report, options } = ctx;
  const qrels = emptyRecord<Record<string, number>>();
  report.addFile(path);
  const [qField, dField, gField] =
    format === 'beir' ? ['query-id', 'corpus-id', 'score'] : ['qid', 'docid', 'grade'];
  const expected = format === 'beir' ? 3 : 4;

  /** Parses one line into `qrels`; returns what to report when an id is unknown. */
  const parseLine = (lineNo: number, text: string): Unknown | undefined => {
    const fields = format === 'beir' ? text.split('\t') : text.trim().split(/\s+/);
    if (format === 'beir' && lineNo === 1 && isBeirHeader(fields)) return;
    if (fields.length !== expected)
      throw new DatasetFormatError(
        path,
        lineNo,
        '(line)',
        `expected ${expected} ${format === 'beir' ? 'tab' : 'whitespace'}-separated fields, found ${fields.length}`,
        text,
      );
    const qid = fields[0]!;
    const docid = format === 'beir' ? fields[1]! : fields[2]!;
    const gradeText = (format === 'beir' ? fields[2]! : fields[3]!).trim();
    if (qid === '') throw new DatasetFormatError(path, lineNo, qField, 'empty query id');
    if (docid === '') throw new DatasetFormatError(path, lineNo, dField, 'empty document id');
    const grade = Number(gradeText);
    if (!INTEGER.test(gradeText))
      throw new DatasetFormatError(path, lineNo, gField, 'grade must be an integer', gradeText);
    if (!Number.isSafeInteger(grade))
      throw new DatasetFormatError(path, lineNo, gField, 'grade beyond 2^53', gradeText);
    const unknown = (kind: string, field: string, message: string, id: string): Unknown => ({
      kind,
      error: new DatasetFormatError(path, lineNo, field, message, id),
    });
    if (!ctx.hasQuery(qid))
      return unknown(
        'qrels:unknown-query',
        qField,
        'unknown query id (not in the queries file)',
        qid,
      );
    if (!ctx.hasDoc(docid))
      return unknown('qrels:unknown-doc', dField, 'unknown document id (not in the corpus)', docid);
    const row = (qrels[qid] ??= emptyRecord<number>());
    const previous = row[docid];
    if (previous !== undefined) {
      if (previous !== grade)
        throw new DatasetFormatError(
          path,
          lineNo,
          gField,
          `pair (${qid}, ${docid}) listed twice with different grades (${previous} first)`,
          grade,
        );
      report.issue('qrels:duplicate-pair', {
        file: path,
        line: lineNo,
        field: dField,
        message: `pair (${qid}, ${docid}) listed twice`,
      });
      return undefined;
    }
    row[docid] = grade;
    return undefined;
  };

  for await (const batch of readLineBatches(path, { progress: options.progress })) {
    report.addLines(batch.lines.length);
    batch.lines.forEach((text, i) => {
      const lineNo = batch.firstLine + i;
      if (text.trim() === '' && batch.bad?.has(i) !== true) return report.count('blank-line');
      let unknown: Unknown | undefined;
      try {
        unknown = parseLine(lineNo, lineText(path, batch, i));
      } catch (error) {
        collectBadLine(error, options.badLines, report, 'qrels:bad-line');
      }
      // Outside the try: unknown ids follow `unknownIds`, not `badLines`.
      if (unknown) collectBadLine(unknown.error, options.unknownIds, report, unknown.kind);
    });
  }
  return qrels;
}
