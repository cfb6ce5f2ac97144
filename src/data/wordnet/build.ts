/**
 * Builds a WordNet retrieval dataset (see tasks.ts for what the two tasks ask):
 *
 * 1. Candidate queries per synset: too-short ones are dropped (minQueryWords), and so is a
 *    query whose text occurs in its own document or whose text is a query of another
 *    synset too (it would have two right answers). Each drop is counted in the report.
 * 2. Synsets with queries are shuffled by the seed; whole synsets are taken until
 *    maxQueries (the last synset cut to hit it exactly).
 * 3. The taken synsets are split train / dev / test by splitFractions, in shuffled order,
 *    so all queries of a synset are in one split.
 * 4. Corpus: every synset ('all') or the query synsets plus the other senses of their
 *    lemmas ('related'), in WordNet file order; doc id = synset id.
 * 5. Train hard negatives: the other senses of the query synset's lemmas (siblings), most
 *    frequent first, up to maxHardNegatives.
 *
 * Deterministic: the same options give identical ids and texts (a test pins the hash).
 */
import { Random } from '../../util/index.js';
import { emptyRecord } from '../records.js';
import { LoadReportBuilder } from '../report.js';
import { countWords } from '../text-stats.js';
import type { Doc, HardNegatives, Query, RetrievalDataset, Split, SplitName } from '../types.js';
import {
  loadWordNetLexicon,
  WORDNET_POS,
  type Lexicon,
  type Synset,
  type WordNetPos,
} from './lexicon.js';
import {
  resolveWordNetOptions,
  type ResolvedWordNetOptions,
  type WordNetOptions,
  type WordNetTask,
} from './options.js';
import { taskSpec, type TaskQuery, type TaskSpec } from './tasks.js';

export const WORDNET_MAIN_METRIC = 'mrr@10';

const IRREGULAR_SPACE = /\s{2}|[\t\n\r\f\v\u00a0]/;

/** Lower case, single spaces (the regex replace only when needed: WordNet text rarely needs it). */
function normalize(text: string): string {
  const lower = text.toLowerCase();
  return IRREGULAR_SPACE.test(lower) ? lower.replace(/\s+/g, ' ').trim() : lower.trim();
}

/**
 * Other synsets that share a lemma with `synset`: for each of its lemmas in order, that
 * lemma's senses in WordNet's order (most frequent first), without repeats or itself;
 * only parts of speech in `pos` (default all); at most `limit`.
 */
export function siblingSenses(
  lexicon: Lexicon,
  synset: Synset,
  pos?: ReadonlySet<WordNetPos>,
  limit = Infinity,
): string[] {
  const out = new Set<string>();
  const all = !pos || pos.size === WORDNET_POS.length;
  for (const lemma of synset.lemmas) {
    for (const id of lexicon.senses.get(lemma.toLowerCase()) ?? []) {
      if (out.size >= limit) return [...out];
      // An id starts with its part of speech letter.
      if (id !== synset.id && (all || pos.has(id[0] as WordNetPos))) out.add(id);
    }
  }
  return [...out];
}

interface Candidate {
  readonly synset: Synset;
  readonly queries: TaskQuery[];
}

/** A query with its normalized text (the key for duplicate checks). */
interface KeyedQuery extends TaskQuery {
  readonly norm: string;
}

/** Step 1: usable queries per synset, in file order. */
function candidates(
  lexicon: Lexicon,
  spec: TaskSpec,
  opts: ResolvedWordNetOptions,
  posSet: ReadonlySet<WordNetPos>,
  report: LoadReportBuilder,
): Candidate[] {
  const owners = new Map<string, string | null>(); // normalized query text → its synset, null if several
  const raw: Array<{ synset: Synset; queries: KeyedQuery[] }> = [];
  for (const synset of lexicon.synsets) {
    if (!posSet.has(synset.pos)) continue;
    const proposed = spec.queries(synset);
    if (proposed.length === 0) continue;
    const doc = spec.doc(synset);
    const docText = normalize(`${doc.title} ${doc.text}`);
    const seen = new Set<string>();
    const queries: KeyedQuery[] = [];
    for (const q of proposed) {
      const key = normalize(q.text);
      if (countWords(q.text) < opts.minQueryWords) report.count('wordnet:short-query');
      else if (docText.includes(key)) report.count('wordnet:query-in-own-doc');
      else if (seen.has(key)) report.count('wordnet:repeated-in-synset');
      else {
        seen.add(key);
        queries.push({ ...q, norm: key });
        owners.set(key, owners.has(key) ? null : synset.id);
      }
    }
    if (queries.length > 0) raw.push({ synset, queries });
  }
  const out: Candidate[] = [];
  for (const c of raw) {
    const queries: TaskQuery[] = c.queries
      .filter((q) => owners.get(q.norm) !== null)
      .map(({ key, text }) => ({ key, text }));
    report.count('wordnet:ambiguous-query', c.queries.length - queries.length);
    if (queries.length > 0) out.push({ synset: c.synset, queries });
  }
  return out;
}

/** Steps 2-3: sample whole synsets up to maxQueries, then split them. */
function sampleAndSplit(
  all: readonly Candidate[],
  opts: ResolvedWordNetOptions,
): Record<SplitName, Candidate[]> {
  const shuffled = new Random(opts.seed).shuffle(all);
  const taken: Candidate[] = [];
  let total = 0;
  for (const c of shuffled) {
    if (opts.maxQueries !== null && total >= opts.maxQueries) break;
    const room = opts.maxQueries === null ? c.queries.length : opts.maxQueries - total;
    const queries = c.queries.slice(0, room);
    taken.push({ synset: c.synset, queries });
    total += queries.length;
  }
  const nTrain = Math.round(taken.length * opts.splitFractions.train);
  const nDev = Math.round(taken.length * opts.splitFractions.dev);
  return {
    train: taken.slice(0, nTrain),
    dev: taken.slice(nTrain, nTrain + nDev),
    test: taken.slice(nTrain + nDev),
  };
}

/** Builds `task` from WordNet with `options` (defaults: the full dataset). */
export async function buildWordNetDataset(
  task: WordNetTask,
  options: WordNetOptions = {},
): Promise<RetrievalDataset> {
  const spec = taskSpec(task);
  const opts = resolveWordNetOptions(options);
  const lexicon = await loadWordNetLexicon(opts.dictDir);
  const posSet = new Set(opts.pos);
  const report = new LoadReportBuilder();
  for (const pos of opts.pos)
    report.addFile(`${lexicon.dictDir}/data.${{ n: 'noun', v: 'verb', a: 'adj', r: 'adv' }[pos]}`);

  report.addLines(lexicon.linesRead);
  const bySplit = sampleAndSplit(candidates(lexicon, spec, opts, posSet, report), opts);
  if (Object.values(bySplit).every((list) => list.length === 0))
    throw new Error(
      `${task}: these options select no query (minQueryWords=${opts.minQueryWords}, pos=${opts.pos.join('+')}, ` +
        `maxQueries=${opts.maxQueries ?? 'all'}); lower minQueryWords or add parts of speech`,
    );
  const siblings = (s: Synset, limit?: number): string[] =>
    siblingSenses(lexicon, s, posSet, limit);

  // Step 4: the corpus, in file order.
  let inCorpus: (s: Synset) => boolean = (s) => posSet.has(s.pos);
  if (opts.corpus === 'related') {
    const ids = new Set<string>();
    for (const list of Object.values(bySplit))
      for (const c of list) {
        ids.add(c.synset.id);
        for (const id of siblings(c.synset)) ids.add(id);
      }
    inCorpus = (s) => ids.has(s.id);
  }
  const corpus = emptyRecord<Doc>();
  for (const s of lexicon.synsets) if (inCorpus(s)) corpus[s.id] = spec.doc(s);

  const splits: Partial<Record<SplitName, Split>> = {};
  for (const name of ['train', 'dev', 'test'] as const) {
    const list = bySplit[name];
    if (list.length === 0) continue;
    const queries = emptyRecord<Query>();
    const qrels = emptyRecord<Record<string, number>>();
    const hard = emptyRecord<readonly string[]>();
    for (const { synset, queries: qs } of list) {
      const negatives = name === 'train' ? siblings(synset, opts.maxHardNegatives) : [];
      for (const q of qs) {
        const id = `${synset.id}#${q.key}`;
        queries[id] = { text: q.text };
        // A null-prototype row: object literals with a computed key cost a hidden class each.
        const row = emptyRecord<number>();
        row[synset.id] = 1;
        qrels[id] = row;
        if (negatives.length > 0) hard[id] = negatives;
      }
    }
    const hardNegatives: HardNegatives | undefined = name === 'train' ? hard : undefined;
    splits[name] = hardNegatives ? { queries, qrels, hardNegatives } : { queries, qrels };
  }
  return { name: task, corpus, splits, mainMetric: WORDNET_MAIN_METRIC, report: report.build() };
}
