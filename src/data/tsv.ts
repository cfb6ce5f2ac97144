/**
 * Streams a two-column TSV file (`id <TAB> text`, no header: MS MARCO's collection and
 * query files) into a callback, line by line. Checks each line has exactly two fields and
 * a non-empty id; blank lines are counted. Does not keep anything itself.
 */
import { DatasetFormatError } from './errors.js';
import { collectBadLine } from './fields.js';
import { lineText, readLineBatches } from './lines.js';
import type { ResolvedLoadOptions } from './options.js';
import type { LoadReportBuilder } from './report.js';

export interface TsvStats {
  readonly rows: number;
  readonly lines: number;
}

export async function readIdTextTsv(
  path: string,
  fields: readonly [idField: string, textField: string],
  report: LoadReportBuilder,
  options: Pick<ResolvedLoadOptions, 'badLines' | 'progress'>,
  badKind: string,
  onRow: (id: string, text: string, line: number) => void,
): Promise<TsvStats> {
  report.addFile(path);
  let rows = 0;
  let lines = 0;
  for await (const batch of readLineBatches(path, { progress: options.progress })) {
    lines += batch.lines.length;
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.firstLine + i;
      try {
        const text = lineText(path, batch, i);
        const tab = text.indexOf('\t');
        if (tab < 0) {
          if (text.trim() === '') {
            report.count('blank-line');
            continue;
          }
          throw new DatasetFormatError(
            path,
            line,
            fields[1],
            'missing: expected "id<TAB>text"',
            text,
          );
        }
        if (text.indexOf('\t', tab + 1) >= 0)
          throw new DatasetFormatError(
            path,
            line,
            '(line)',
            'more than two tab-separated fields',
            text,
          );
        if (tab === 0) throw new DatasetFormatError(path, line, fields[0], 'empty id');
        onRow(text.slice(0, tab), text.slice(tab + 1), line);
        rows++;
      } catch (error) {
        collectBadLine(error, options.badLines, report, badKind);
      }
    }
  }
  report.addLines(lines);
  return { rows, lines };
}
