/**
 * A content hash of a dataset: SHA-256 over its name, main metric, corpus, and each
 * split's queries, qrels and hard negatives, all in sorted id order (so key order in the
 * objects does not matter). Two datasets with the same fingerprint have identical ids and
 * texts. Used to pin the WordNet builds in tests and to label results.
 */
import { ContentHash } from '../util/bytes.js';
import { SPLIT_NAMES, type RetrievalDataset } from './types.js';

const sortedKeys = (o: object): string[] => Object.keys(o).sort();

export function datasetFingerprint(dataset: RetrievalDataset): string {
  const h = new ContentHash();
  const put = (...parts: readonly (string | number)[]): void => {
    h.update(JSON.stringify(parts));
    h.update('\n');
  };
  put('dataset', dataset.name, dataset.mainMetric);
  for (const id of sortedKeys(dataset.corpus)) {
    const doc = dataset.corpus[id]!;
    put('doc', id, doc.title, doc.text);
  }
  for (const name of SPLIT_NAMES) {
    const split = dataset.splits[name];
    if (!split) continue;
    put('split', name);
    for (const id of sortedKeys(split.queries)) {
      const q = split.queries[id]!;
      put('query', id, q.text, ...(q.answers ?? []));
    }
    for (const qid of sortedKeys(split.qrels)) {
      const row = split.qrels[qid]!;
      for (const docId of sortedKeys(row)) put('qrel', qid, docId, row[docId]!);
    }
    if (split.hardNegatives)
      for (const qid of sortedKeys(split.hardNegatives))
        put('hard', qid, ...split.hardNegatives[qid]!);
  }
  return h.hex();
}
