/**
 * Streams a JSON-lines file: one object per line, handed with its file/line to `onRecord`.
 * Blank lines are counted; a malformed line or a record `onRecord` rejects (by throwing a
 * DatasetFormatError) is thrown or, with `badLines: 'count'`, counted under `badKind`.
 */
import { collectBadLine, parseJsonObjectLine, type Where } from './fields.js';
import { lineText, readLineBatches } from './lines.js';
import type { ResolvedLoadOptions } from './options.js';
import type { LoadReportBuilder } from './report.js';

export async function readJsonl(
  path: string,
  report: LoadReportBuilder,
  options: ResolvedLoadOptions,
  badKind: string,
  onRecord: (at: Where, record: Record<string, unknown>) => void,
): Promise<void> {
  report.addFile(path);
  for await (const batch of readLineBatches(path, { progress: options.progress })) {
    report.addLines(batch.lines.length);
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      if (text.trim() === '' && batch.bad?.has(i) !== true) {
        report.count('blank-line');
        continue;
      }
      const at = { file: path, line: batch.firstLine + i };
      try {
        onRecord(at, parseJsonObjectLine(at, lineText(path, batch, i)));
      } catch (error) {
        collectBadLine(error, options.badLines, report, badKind);
      }
    }
  }
}
