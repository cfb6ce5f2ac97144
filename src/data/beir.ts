/**
 * Loads a BEIR folder: `corpus.jsonl` ({"_id", "title", "text"}), `queries.jsonl`
 * ({"_id", "text", "metadata"?}; `metadata.answers` or `answers`, when present, are kept
 * for answer accuracy) and `qrels/{train,dev,test}.tsv` (header `query-id corpus-id score`,
 * integer grades). Every file is streamed line by line.
 *
 * A split's queries are the queries its qrels name (queries.jsonl holds all splits).
 * Main metric nDCG@10, as in the BEIR paper. Does not download anything.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DatasetFormatError } from './errors.js';
import { readId, readString, readStringArray, type Where } from './fields.js';
import { readJsonl } from './jsonl.js';
import { resolveLoadOptions, type LoadOptions, type ResolvedLoadOptions } from './options.js';
import { emptyRecord, isEmpty } from './records.js';
import { LoadReportBuilder } from './report.js';
import { readSplit } from './split-build.js';
import { SPLIT_NAMES } from './types.js';
import type { Doc, Query, RetrievalDataset, Split, SplitName } from './types.js';

export const BEIR_MAIN_METRIC = 'ndcg@10';

/** Throws unless `path` is an existing file; names it and the field "(file)". */
export function requireFile(path: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new DatasetFormatError(path, 0, '(file)', `${what} not found`);
}

/** Splits whose files exist, checked against the ones asked for. */
export function chooseSplits(
  available: readonly SplitName[],
  wanted: readonly SplitName[] | undefined,
  fileOf: (split: SplitName) => string,
): SplitName[] {
  if (wanted === undefined) {
    if (available.length === 0)
      throw new DatasetFormatError(
        fileOf('test'),
        0,
        '(file)',
        `no split found (looked for ${SPLIT_NAMES.map(fileOf).join(', ')})`,
      );
    return [...available];
  }
  for (const split of wanted)
    if (!available.includes(split))
      throw new DatasetFormatError(
        fileOf(split),
        0,
        '(file)',
        `split "${split}" not found; available: ${available.join(', ') || 'none'}`,
      );
  return [...wanted];
}

/**
 * Reads a JSONL file of records keyed by `_id` (string or integer): `read` turns each line
 * into its value, and an id seen before is an error ("duplicate <what> id").
 */
async function readJsonlById<T>(
  path: string,
  report: LoadReportBuilder,
  options: ResolvedLoadOptions,
  what: 'document' | 'query',
  read: (at: Where, record: Record<string, unknown>) => T,
): Promise<Record<string, T>> {
  const out = emptyRecord<T>();
  const kind = what === 'document' ? 'corpus:bad-line' : 'queries:bad-line';
  await readJsonl(path, report, options, kind, (at, record) => {
    const id = readId(at, record, '_id');
    const value = read(at, record);
    if (id in out)
      throw new DatasetFormatError(at.file, at.line, '_id', `duplicate ${what} id`, id);
    out[id] = value;
  });
  return out;
}

/** Reads a BEIR corpus.jsonl: `_id` (string or integer), `title` (default ''), `text`. */
export async function readBeirCorpus(
  path: string,
  report: LoadReportBuilder,
  options: ResolvedLoadOptions,
): Promise<Record<string, Doc>> {
  const corpus = await readJsonlById(path, report, options, 'document', (at, record): Doc => ({
    title: readString(at, record, 'title', ''),
    text: readString(at, record, 'text'),
  }));
  if (isEmpty(corpus))
    throw new DatasetFormatError(path, 0, 'corpus', 'the corpus has no documents');
  return corpus;
}

function readAnswers(at: Where, record: Record<string, unknown>): string[] | undefined {
  const top = readStringArray(at, record, 'answers');
  if (top) return top;
  const metadata = record['metadata'];
  if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata))
    return readStringArray(at, metadata as Record<string, unknown>, 'answers', 'metadata.answers');
  return undefined;
}

/** Reads a BEIR queries.jsonl: `_id`, `text`, and `answers` or `metadata.answers` if present. */
export function readBeirQueries(
  path: string,
  report: LoadReportBuilder,
  options: ResolvedLoadOptions,
): Promise<Record<string, Query>> {
  return readJsonlById(path, report, options, 'query', (at, record): Query => {
    const text = readString(at, record, 'text');
    const answers = readAnswers(at, record);
    return answers ? { text, answers } : { text };
  });
}

/** The loaded dataset; its name is the `name` option, else the folder's name. */
export function folderDataset(
  dir: string,
  options: ResolvedLoadOptions,
  report: LoadReportBuilder,
  parts: Pick<RetrievalDataset, 'corpus' | 'splits' | 'mainMetric'>,
): RetrievalDataset {
  return { name: options.name ?? basename(resolve(dir)), ...parts, report: report.build() };
}

/** Loads the BEIR folder `dir`. */
export async function loadBeir(dir: string, options: LoadOptions = {}): Promise<RetrievalDataset> {
  const opts = resolveLoadOptions(options);
  const report = new LoadReportBuilder(opts.maxIssues);
  const qrelsFile = (split: SplitName): string => join(dir, 'qrels', `${split}.tsv`);
  const corpusFile = join(dir, 'corpus.jsonl');
  const queriesFile = join(dir, 'queries.jsonl');
  requireFile(corpusFile, 'BEIR corpus.jsonl');
  requireFile(queriesFile, 'BEIR queries.jsonl');
  const available = SPLIT_NAMES.filter((s) => existsSync(qrelsFile(s)));
  const splitNames = chooseSplits(available, opts.splits, qrelsFile);

  const corpus = await readBeirCorpus(corpusFile, report, opts);
  const queries = await readBeirQueries(queriesFile, report, opts);
  const splits: Partial<Record<SplitName, Split>> = {};
  const used = new Set<string>();
  for (const name of splitNames) {
    const read = await readSplit(qrelsFile(name), 'beir', { queries, corpus }, report, opts);
    splits[name] = read.split;
    for (const id of read.qrelsQueries) used.add(id);
  }
  const unused = Object.keys(queries).length - used.size;
  if (unused > 0 && opts.splits === undefined) report.count('queries:no-qrels', unused);
  return folderDataset(dir, opts, report, { corpus, splits, mainMetric: BEIR_MAIN_METRIC });
}
