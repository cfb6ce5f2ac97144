/**
 * Builds a Split from qrels: its queries are the queries the qrels name with at least one
 * relevant judgement (grade ≥ 1, trec_eval's default), so a split never carries a query
 * that no document answers. A query judged only with grades ≤ 0 (a negative grade marks
 * a "harmful" document in some TREC tracks) is left out of the split's queries and qrels
 * and counted in the report under `qrels:no-relevant`. An empty split is an error, naming
 * the qrels file.
 *
 * `readSplit` is the folder loaders' step: read a split's qrels file (ids checked against the
 * queries and the corpus), then build the split.
 */
import { DatasetFormatError } from './errors.js';
import type { ResolvedLoadOptions } from './options.js';
import { readDatasetQrels, type QrelsFormat } from './qrels.js';
import { emptyRecord } from './records.js';
import type { LoadReportBuilder } from './report.js';
import type { Corpus, HardNegatives, Qrels, Queries, Query, Split } from './types.js';

/** The smallest grade that makes a document relevant (as eval/judged.ts). */
const RELEVANT = 1;

export function buildSplit(
  qrelsFile: string,
  queries: Queries,
  qrels: Qrels,
  report: LoadReportBuilder,
  hardNegatives?: HardNegatives,
): Split {
  const splitQueries = emptyRecord<Query>();
  const splitQrels = emptyRecord<Readonly<Record<string, number>>>();
  for (const id of Object.keys(qrels)) {
    const query = Object.hasOwn(queries, id) ? queries[id] : undefined;
    if (query === undefined) continue;
    const judged = qrels[id]!;
    if (!Object.values(judged).some((grade) => grade >= RELEVANT)) {
      report.issue('qrels:no-relevant', {
        file: qrelsFile,
        line: 0,
        field: 'qrels',
        message: `${qrelsFile}: query ${JSON.stringify(id)} has no judgement with grade ≥ ${RELEVANT}; left out of the split`,
      });
      continue;
    }
    splitQueries[id] = query;
    splitQrels[id] = judged;
  }
  if (Object.keys(splitQueries).length === 0)
    throw new DatasetFormatError(
      qrelsFile,
      0,
      'qrels',
      `no judged query with a relevant document (grade ≥ ${RELEVANT}): the split is empty`,
    );
  return hardNegatives
    ? { queries: splitQueries, qrels: splitQrels, hardNegatives }
    : { queries: splitQueries, qrels: splitQrels };
}

/**
 * The split whose judgements are in `qrelsFile` (BEIR or TREC layout), and the query ids
 * its qrels name (judged or not), for the loaders' count of queries without qrels.
 */
export async function readSplit(
  qrelsFile: string,
  format: QrelsFormat,
  data: { readonly queries: Queries; readonly corpus: Corpus },
  report: LoadReportBuilder,
  options: ResolvedLoadOptions,
): Promise<{ split: Split; qrelsQueries: readonly string[] }> {
  const qrels = await readDatasetQrels(qrelsFile, format, {
    report,
    options,
    hasQuery: (id) => id in data.queries,
    hasDoc: (id) => id in data.corpus,
  });
  const split = buildSplit(qrelsFile, data.queries, qrels, report);
  return { split, qrelsQueries: Object.keys(qrels) };
}
