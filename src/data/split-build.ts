/**
 * Builds a Split from qrels: its queries are exactly the queries the qrels name, so a
 * split never carries a query without judgements. An empty split is an error, naming
 * the qrels file.
 */
import { DatasetFormatError } from './errors.js';
import { emptyRecord } from './records.js';
import type { HardNegatives, Qrels, Queries, Query, Split } from './types.js';

export function buildSplit(
  qrelsFile: string,
  queries: Queries,
  qrels: Qrels,
  hardNegatives?: HardNegatives,
): Split {
  const splitQueries = emptyRecord<Query>();
  for (const id of Object.keys(qrels)) {
    const query = queries[id];
    if (query !== undefined) splitQueries[id] = query;
  }
  if (Object.keys(splitQueries).length === 0)
    throw new DatasetFormatError(qrelsFile, 0, 'qrels', 'no judged query: the split is empty');
  return hardNegatives
    ? { queries: splitQueries, qrels, hardNegatives }
    : { queries: splitQueries, qrels };
}
