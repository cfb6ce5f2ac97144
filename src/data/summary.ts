/**
 * A dataset's summary: documents, and per split the queries, qrels pairs, relevant
 * documents per query and length statistics, as plain JSON (`summarizeDataset`, what
 * `kalelab dataset --json` prints) and as an arquero table (`summaryTable`, one row per
 * part: corpus, train, dev, test) for notebooks.
 *
 * Lengths are in words (see text-stats.ts); pass `countTokens` (e.g.
 * `(t) => tokenizer.tokenize(t).length`) to add token statistics. Does not validate
 * anything: loaders do that.
 */
import * as aq from 'arquero';
import { passageText } from './passage-text.js';
import { lengthStats, countWords, type LengthStats } from './text-stats.js';
import { SPLIT_NAMES, type RetrievalDataset, type SplitName } from './types.js';

export interface SummaryOptions {
  /** Token count of a text; when given, token statistics are added. */
  readonly countTokens?: (text: string) => number;
}

export interface SplitSummary {
  readonly queries: number;
  /** Number of (query, document) pairs in the qrels, any grade. */
  readonly qrels: number;
  /** Documents with grade ≥ 1 per judged query. */
  readonly relevantPerQuery: LengthStats;
  readonly queryWords: LengthStats;
  readonly queryTokens?: LengthStats;
  /** Queries that carry answer strings (DPR, SQuAD). */
  readonly queriesWithAnswers: number;
  /** Hard negatives per query that has some; absent when the split has none. */
  readonly hardNegativesPerQuery?: LengthStats;
}

export interface DatasetSummary {
  readonly name: string;
  readonly mainMetric: string;
  readonly documents: number;
  /** Words of title + text. */
  readonly docWords: LengthStats;
  readonly docTokens?: LengthStats;
  readonly splits: Readonly<Partial<Record<SplitName, SplitSummary>>>;
  readonly load?: {
    readonly linesRead: number;
    readonly issues: number;
    readonly skipped: Readonly<Record<string, number>>;
  };
}

export function summarizeDataset(
  dataset: RetrievalDataset,
  options: SummaryOptions = {},
): DatasetSummary {
  const { countTokens } = options;
  const docs = Object.values(dataset.corpus);
  const docWords = docs.map((d) => countWords(passageText(d)));
  const splits: Partial<Record<SplitName, SplitSummary>> = {};
  for (const name of SPLIT_NAMES) {
    const split = dataset.splits[name];
    if (!split) continue;
    const queries = Object.values(split.queries);
    const rows = Object.values(split.qrels);
    const hard = split.hardNegatives
      ? Object.values(split.hardNegatives).map((l) => l.length)
      : undefined;
    splits[name] = {
      queries: queries.length,
      qrels: rows.reduce((n, row) => n + Object.keys(row).length, 0),
      relevantPerQuery: lengthStats(
        rows.map((row) => Object.values(row).filter((g) => g >= 1).length),
      ),
      queryWords: lengthStats(queries.map((q) => countWords(q.text))),
      ...(countTokens ? { queryTokens: lengthStats(queries.map((q) => countTokens(q.text))) } : {}),
      queriesWithAnswers: queries.filter((q) => q.answers && q.answers.length > 0).length,
      ...(hard && hard.length > 0 ? { hardNegativesPerQuery: lengthStats(hard) } : {}),
    };
  }
  const report = dataset.report;
  return {
    name: dataset.name,
    mainMetric: dataset.mainMetric,
    documents: docs.length,
    docWords: lengthStats(docWords),
    ...(countTokens
      ? { docTokens: lengthStats(docs.map((d) => countTokens(passageText(d)))) }
      : {}),
    splits,
    ...(report
      ? {
          load: {
            linesRead: report.linesRead,
            issues: report.issues.length,
            skipped: report.skipped,
          },
        }
      : {}),
  };
}

/** One row per part, the columns a reader scans first. */
export interface SummaryRow {
  readonly part: 'corpus' | SplitName;
  readonly items: number;
  readonly qrels: number | null;
  readonly relPerQuery: number | null;
  readonly wordsMean: number;
  readonly wordsP50: number;
  readonly wordsP90: number;
  readonly wordsP99: number;
  readonly wordsMax: number;
  readonly tokensMean: number | null;
  readonly tokensP90: number | null;
  readonly hardNegatives: number | null;
}

const round = (x: number): number => Math.round(x * 100) / 100;

export function summaryRows(summary: DatasetSummary): SummaryRow[] {
  const lengths = (w: LengthStats, t: LengthStats | undefined) => ({
    wordsMean: round(w.mean),
    wordsP50: w.p50,
    wordsP90: w.p90,
    wordsP99: w.p99,
    wordsMax: w.max,
    tokensMean: t ? round(t.mean) : null,
    tokensP90: t ? t.p90 : null,
  });
  const rows: SummaryRow[] = [
    {
      part: 'corpus',
      items: summary.documents,
      qrels: null,
      relPerQuery: null,
      ...lengths(summary.docWords, summary.docTokens),
      hardNegatives: null,
    },
  ];
  for (const name of SPLIT_NAMES) {
    const s = summary.splits[name];
    if (!s) continue;
    rows.push({
      part: name,
      items: s.queries,
      qrels: s.qrels,
      relPerQuery: round(s.relevantPerQuery.mean),
      ...lengths(s.queryWords, s.queryTokens),
      hardNegatives: s.hardNegativesPerQuery ? round(s.hardNegativesPerQuery.mean) : null,
    });
  }
  return rows;
}

/** The summary as an arquero table (one row per part), for notebooks. */
export function summaryTable(summary: DatasetSummary): aq.ColumnTable {
  return aq.from(summaryRows(summary));
}
