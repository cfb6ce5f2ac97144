/**
 * Loads DPR retriever data: a JSON array of
 * `{question, answers, positive_ctxs, negative_ctxs, hard_negative_ctxs}` with contexts
 * `{title, text, passage_id?}`, streamed element by element (DPR's NQ train file is
 * several GB). The corpus is the union of all contexts; a context without `passage_id`
 * (or `psg_id` / `id`) gets a content id `h:<sha1 of title and text>`. Answers are kept
 * for top-k answer accuracy (main metric accuracy@20, as in the DPR paper).
 *
 * PATH is one `.json` file (its split from the name: train / dev / test, else test) or a
 * folder whose `*.json` files are matched by name to splits. A split's queries are all its
 * questions, also those without a positive context (DPR test files have none; they are
 * evaluated by answers); its qrels hold the positives; hard negatives come from
 * `hard_negative_ctxs`. Errors name the line where the item starts and the field path with
 * the item's index (e.g. `[12].positive_ctxs[0].text`: DPR files are often one line). Does not read DPR's `.csv` question files or its TSV Wikipedia.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DatasetFormatError } from './errors.js';
import {
  asObject,
  collectBadLine,
  fieldError,
  readId,
  readString,
  readStringArray,
  type Where,
} from './fields.js';
import { streamJsonArray } from './json-array.js';
import { resolveLoadOptions, type LoadOptions, type ResolvedLoadOptions } from './options.js';
import { emptyRecord } from './records.js';
import { LoadReportBuilder } from './report.js';
import { chooseSplits } from './beir.js';
import type { Doc, Query, RetrievalDataset, Split, SplitName } from './types.js';

export const DPR_MAIN_METRIC = 'accuracy@20';

const CTX_FIELDS = ['positive_ctxs', 'negative_ctxs', 'hard_negative_ctxs'] as const;
const PASSAGE_ID_FIELDS = ['passage_id', 'psg_id', 'id'] as const;
const QUERY_ID_FIELDS = ['id', 'q_id', 'qid'] as const;
const SPLIT_IN_NAME = /(?:^|[-_.])(train|dev|test)(?:[-_.]|$)/;

/** The split a DPR file name stands for ('test' when the name says none). */
export function dprSplitOfFile(file: string): SplitName {
  return (SPLIT_IN_NAME.exec(basename(file).replace(/\.json$/, ''))?.[1] as SplitName) ?? 'test';
}

function contentId(doc: Doc): string {
  return `h:${createHash('sha1').update(doc.title).update('\n').update(doc.text).digest('hex').slice(0, 16)}`;
}

interface Builder {
  readonly corpus: Record<string, Doc>;
  readonly report: LoadReportBuilder;
  readonly options: ResolvedLoadOptions;
}

interface Context {
  readonly id: string;
  readonly doc: Doc;
  /** e.g. "positive_ctxs[2].passage_id", for errors. */
  readonly idField: string;
}

function readContext(at: Where, field: string, value: unknown): Context {
  const ctx = asObject(at, field, value);
  const inner: Where = { ...at, prefix: `${at.prefix ?? ''}${field}.` };
  const doc: Doc = {
    title: readString(inner, ctx, 'title', ''),
    text: readString(inner, ctx, 'text'),
  };
  const idField = PASSAGE_ID_FIELDS.find((f) => ctx[f] !== undefined && ctx[f] !== null);
  const id = idField ? readId(inner, ctx, idField) : contentId(doc);
  return { id, doc, idField: `${field}.${idField ?? 'text'}` };
}

function readContexts(at: Where, item: Record<string, unknown>, field: string): Context[] {
  const list = item[field];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw fieldError(at, field, 'expected an array of contexts', list);
  return list.map((ctx, i) => readContext(at, `${field}[${i}]`, ctx));
}

/** Checks the item's contexts against the corpus (same id, other text: error), then adds them. */
function addContexts(b: Builder, at: Where, contexts: readonly Context[]): void {
  const local = new Map<string, Doc>();
  for (const { id, doc, idField } of contexts) {
    const known = b.corpus[id] ?? local.get(id);
    if (known === undefined) local.set(id, doc);
    else if (known.text !== doc.text || known.title !== doc.title)
      throw fieldError(at, idField, 'passage id seen before with a different title or text', id);
  }
  for (const [id, doc] of local) b.corpus[id] = doc;
}

async function readDprFile(b: Builder, file: string, split: SplitName): Promise<Split> {
  const queries = emptyRecord<Query>();
  const qrels = emptyRecord<Record<string, number>>();
  const hardNegatives = emptyRecord<readonly string[]>();
  let hasHard = false;
  b.report.addFile(file);
  let lastLine = 0;
  for await (const element of streamJsonArray(file, { progress: b.options.progress })) {
    const at = { file, line: element.line, prefix: `[${element.index}].` };
    lastLine = element.line;
    try {
      const item = asObject({ file, line: element.line }, `[${element.index}]`, element.value);
      const idField = QUERY_ID_FIELDS.find((f) => item[f] !== undefined && item[f] !== null);
      const id = idField ? readId(at, item, idField) : `${split}-${element.index}`;
      if (id in queries) throw fieldError(at, idField ?? 'id', 'duplicate question id', id);
      const text = readString(at, item, 'question');
      const answers = readStringArray(at, item, 'answers');
      // Everything is read and checked before anything is stored: a bad item leaves no trace.
      const [positives, negatives, hard] = CTX_FIELDS.map((f) => readContexts(at, item, f)) as [
        Context[],
        Context[],
        Context[],
      ];
      addContexts(b, at, [...positives, ...negatives, ...hard]);
      queries[id] = answers ? { text, answers } : { text };
      if (positives.length > 0) {
        const row = emptyRecord<number>();
        for (const p of positives) row[p.id] = 1;
        qrels[id] = row;
      } else b.report.count('dpr:no-positive');
      if (hard.length > 0) {
        hardNegatives[id] = [...new Set(hard.map((h) => h.id))];
        hasHard = true;
      }
    } catch (error) {
      collectBadLine(error, b.options.badLines, b.report, 'dpr:bad-item');
    }
  }
  b.report.addLines(lastLine);
  if (Object.keys(queries).length === 0)
    throw new DatasetFormatError(file, 0, 'question', 'no questions: the split is empty');
  return hasHard ? { queries, qrels, hardNegatives } : { queries, qrels };
}

function splitFiles(path: string): Map<SplitName, string> {
  const files = new Map<SplitName, string>();
  if (!statSync(path).isDirectory()) {
    files.set(dprSplitOfFile(path), path);
    return files;
  }
  for (const name of readdirSync(path)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const match = SPLIT_IN_NAME.exec(name.replace(/\.json$/, ''));
    if (!match) continue;
    const split = match[1] as SplitName;
    const other = files.get(split);
    if (other)
      throw new DatasetFormatError(
        join(path, name),
        0,
        '(file)',
        `a second file for split "${split}" (first: ${other})`,
      );
    files.set(split, join(path, name));
  }
  return files;
}

function defaultName(path: string, isDir: boolean): string {
  if (isDir) return basename(resolve(path));
  const stem = basename(path)
    .replace(/\.json$/, '')
    .replace(/^biencoder-/, '')
    .replace(SPLIT_IN_NAME, '');
  return stem === '' || stem === 'dpr' ? basename(dirname(resolve(path))) : stem;
}

/** Loads DPR json from a file or a folder (see the header for how splits are found). */
export async function loadDpr(path: string, options: LoadOptions = {}): Promise<RetrievalDataset> {
  const opts = resolveLoadOptions(options);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new DatasetFormatError(path, 0, '(file)', 'DPR file or folder not found');
  }
  const files = splitFiles(path);
  const names = chooseSplits(
    [...files.keys()],
    opts.splits,
    (s) => files.get(s) ?? (isDir ? join(path, `*-${s}.json`) : path),
  );
  const b: Builder = {
    corpus: emptyRecord<Doc>(),
    report: new LoadReportBuilder(opts.maxIssues),
    options: opts,
  };
  const splits: Partial<Record<SplitName, Split>> = {};
  for (const split of names) splits[split] = await readDprFile(b, files.get(split)!, split);
  if (Object.keys(b.corpus).length === 0)
    throw new DatasetFormatError(
      files.get(names[0]!)!,
      0,
      'positive_ctxs',
      'no contexts: the corpus is empty',
    );
  return {
    name: opts.name ?? defaultName(path, isDir),
    corpus: b.corpus,
    splits,
    mainMetric: DPR_MAIN_METRIC,
    report: b.report.build(),
  };
}
