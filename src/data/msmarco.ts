/**
 * Loads the MS MARCO passage-ranking folder: `collection.tsv` (pid <TAB> passage),
 * `queries.<split>.tsv` (qid <TAB> text) and `qrels.<split>.tsv` (TREC: qid 0 pid grade),
 * all streamed. For each split, `.small` files (`queries.dev.small.tsv`,
 * `qrels.dev.small.tsv`: the 6,980-query dev set on which MRR@10 is reported) are used
 * when present, else the full ones; a split is present when it has a qrels file. Passages
 * have no title (''). Main metric MRR@10 (the official one).
 *
 * `forEachMsmarcoPassage` streams the collection without keeping it, for validation and
 * benchmarks. The full collection (8.8M passages) kept as a Corpus needs several GB of
 * heap; start Node with a larger --max-old-space-size for it. Does not read the
 * training triples.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressSink } from '../util/index.js';
import { chooseSplits, folderDataset, requireFile } from './beir.js';
import { DatasetFormatError } from './errors.js';
import { resolveLoadOptions, type LoadOptions } from './options.js';
import { emptyRecord } from './records.js';
import { LoadReportBuilder } from './report.js';
import { readSplit } from './split-build.js';
import { readIdTextTsv, type TsvStats } from './tsv.js';
import { SPLIT_NAMES } from './types.js';
import type { Doc, Query, RetrievalDataset, Split, SplitName } from './types.js';

export const MSMARCO_MAIN_METRIC = 'mrr@10';

export interface PassageStreamOptions {
  /** Default 'error'; 'count' skips malformed lines and counts them in `report`. */
  readonly badLines?: 'error' | 'count';
  readonly progress?: ProgressSink;
  /** Receives lines read, files and counted issues; a fresh one when not given. */
  readonly report?: LoadReportBuilder;
}

/** Streams `collection.tsv`, calling `onPassage` for each passage; keeps nothing. */
export async function forEachMsmarcoPassage(
  path: string,
  onPassage: (id: string, text: string, line: number) => void,
  options: PassageStreamOptions = {},
): Promise<TsvStats> {
  const report = options.report ?? new LoadReportBuilder();
  return readIdTextTsv(
    path,
    ['pid', 'passage'],
    report,
    { badLines: options.badLines ?? 'error', progress: options.progress },
    'corpus:bad-line',
    onPassage,
  );
}

/** The files a split uses, `.small` first; undefined when the split has no qrels file. */
function splitFiles(dir: string, split: SplitName): { queries: string; qrels: string } | undefined {
  const pick = (kind: string): string | undefined =>
    [join(dir, `${kind}.${split}.small.tsv`), join(dir, `${kind}.${split}.tsv`)].find((f) =>
      existsSync(f),
    );
  const qrels = pick('qrels');
  if (!qrels) return undefined;
  return { queries: pick('queries') ?? join(dir, `queries.${split}.tsv`), qrels };
}

/** Loads the MS MARCO passage folder `dir`. */
export async function loadMsmarco(
  dir: string,
  options: LoadOptions = {},
): Promise<RetrievalDataset> {
  const opts = resolveLoadOptions(options);
  const report = new LoadReportBuilder(opts.maxIssues);
  const collection = join(dir, 'collection.tsv');
  requireFile(collection, 'MS MARCO collection.tsv');
  const files = new Map<SplitName, { queries: string; qrels: string }>();
  for (const split of SPLIT_NAMES) {
    const f = splitFiles(dir, split);
    if (f) files.set(split, f);
  }
  const names = chooseSplits([...files.keys()], opts.splits, (s) => join(dir, `qrels.${s}.tsv`));
  for (const split of names)
    requireFile(files.get(split)!.queries, `MS MARCO queries file for split "${split}"`);

  const corpus = emptyRecord<Doc>();
  let docs = 0;
  await forEachMsmarcoPassage(
    collection,
    (id, text, line) => {
      if (id in corpus)
        throw new DatasetFormatError(collection, line, 'pid', 'duplicate passage id', id);
      corpus[id] = { title: '', text };
      docs++;
    },
    { badLines: opts.badLines, progress: opts.progress, report },
  );
  if (docs === 0)
    throw new DatasetFormatError(collection, 0, 'corpus', 'the corpus has no documents');

  const splits: Partial<Record<SplitName, Split>> = {};
  for (const split of names) {
    const { queries: queriesFile, qrels: qrelsFile } = files.get(split)!;
    const queries = emptyRecord<Query>();
    await readIdTextTsv(
      queriesFile,
      ['qid', 'query'],
      report,
      opts,
      'queries:bad-line',
      (id, text, line) => {
        if (id in queries)
          throw new DatasetFormatError(queriesFile, line, 'qid', 'duplicate query id', id);
        queries[id] = { text };
      },
    );
    const read = await readSplit(qrelsFile, 'trec', { queries, corpus }, report, opts);
    const unjudged = Object.keys(queries).length - read.qrelsQueries.length;
    if (unjudged > 0) report.count(`queries:no-qrels:${split}`, unjudged);
    splits[split] = read.split;
  }
  return folderDataset(dir, opts, report, { corpus, splits, mainMetric: MSMARCO_MAIN_METRIC });
}
