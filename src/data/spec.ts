/**
 * The dataset spec string `KIND:PATH` used by the CLI (`--dataset`) and the notebooks,
 * and `loadDataset`, the one entry point that reads any of them.
 *
 * | KIND                  | PATH |
 * | --------------------- | ---- |
 * | `beir`                | a BEIR folder (corpus.jsonl, queries.jsonl, qrels/*.tsv) |
 * | `dpr`                 | a DPR `.json` file, or a folder of `*train*.json` / `*dev*.json` / `*test*.json` |
 * | `msmarco`             | an MS MARCO passage folder (collection.tsv, queries.*.tsv, qrels.*.tsv) |
 * | `wordnet-senses`,     | built in, no files: PATH is empty (= `full`), a preset `quick` or `full`, |
 * | `wordnet-definitions` | and/or comma-separated `key=value` options: seed, maxQueries (a number or `all`), corpus (`all` / `related`), split (train/dev/test fractions, e.g. `0.5/0.05/0.45`), minQueryWords, maxHardNegatives, pos (e.g. `n+v`) |
 *
 * Examples: `beir:../shared/datasets/scifact`, `wordnet-senses:quick`,
 * `wordnet-definitions:full,seed=7`, `wordnet-senses:maxQueries=10000,corpus=related`.
 * WordNet options combine as: defaults < preset < `options.wordnet` < `key=value`s in the spec.
 */
import { loadBeir } from './beir.js';
import { loadDpr } from './dpr.js';
import { loadMsmarco } from './msmarco.js';
import type { LoadOptions } from './options.js';
import type { RetrievalDataset, Split, SplitName } from './types.js';
import { buildWordNetDataset } from './wordnet/build.js';
import { WORDNET_POS, type WordNetPos } from './wordnet/lexicon.js';
import {
  WORDNET_PRESETS,
  type SplitFractions,
  type WordNetOptions,
  type WordNetPreset,
  type WordNetTask,
} from './wordnet/options.js';

export type DatasetKind = WordNetTask | 'beir' | 'dpr' | 'msmarco';
export const DATASET_KINDS: readonly DatasetKind[] = Object.freeze([
  'wordnet-senses',
  'wordnet-definitions',
  'beir',
  'dpr',
  'msmarco',
]);

export interface DatasetSpec {
  readonly kind: DatasetKind;
  /** Folder or file; for WordNet kinds the preset/options text (may be empty). */
  readonly path: string;
}

function isWordNet(kind: DatasetKind): kind is WordNetTask {
  return kind === 'wordnet-senses' || kind === 'wordnet-definitions';
}

/** Splits `KIND:PATH` at the first ':'; a WordNet kind may come without ':'. */
export function parseDatasetSpec(spec: string): DatasetSpec {
  const colon = spec.indexOf(':');
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const path = colon < 0 ? '' : spec.slice(colon + 1).trim();
  if (!DATASET_KINDS.includes(kind as DatasetKind))
    throw new Error(
      `dataset spec ${JSON.stringify(spec)}: unknown kind ${JSON.stringify(kind)}; allowed: ${DATASET_KINDS.join(', ')}`,
    );
  if (!isWordNet(kind as DatasetKind) && path === '')
    throw new Error(
      `dataset spec ${JSON.stringify(spec)}: ${kind} needs a path, as in ${kind}:path/to/data`,
    );
  return { kind: kind as DatasetKind, path };
}

const INT_KEYS = ['seed', 'minQueryWords', 'maxHardNegatives'] as const;

/** Parses the PATH of a WordNet spec into a preset and options (see the header). */
export function parseWordNetPath(path: string): { preset: WordNetPreset; options: WordNetOptions } {
  let preset: WordNetPreset = 'full';
  const options: Record<string, unknown> = {};
  const parts = path
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  parts.forEach((part, i) => {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (i === 0 && (part === 'quick' || part === 'full')) preset = part;
      else
        throw new Error(
          `WordNet spec part ${JSON.stringify(part)}: expected quick, full or key=value`,
        );
      return;
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (Object.hasOwn(options, key))
      throw new Error(`WordNet spec: option ${JSON.stringify(key)} is given twice`);
    const int = (): number => {
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
        throw new Error(`WordNet spec ${key}=${value}: expected an integer (at most 15 digits)`);
      return Number(value);
    };
    if ((INT_KEYS as readonly string[]).includes(key)) options[key] = int();
    else if (key === 'maxQueries') options[key] = value === 'all' ? null : int();
    else if (key === 'corpus') options[key] = value;
    else if (key === 'split') options.splitFractions = splitFractions(value);
    else if (key === 'pos') {
      const pos = value.split('+');
      if (pos.some((p) => !WORDNET_POS.includes(p as WordNetPos)))
        throw new Error(
          `WordNet spec pos=${value}: expected letters of ${WORDNET_POS.join(', ')} joined by +`,
        );
      options[key] = pos;
    } else
      throw new Error(
        `WordNet spec: unknown option ${JSON.stringify(key)}; allowed: seed, maxQueries, corpus, split, minQueryWords, maxHardNegatives, pos`,
      );
  });
  return { preset, options: options as WordNetOptions };
}

/** `split=0.5/0.05/0.45`: the train / dev / test fractions (resolveWordNetOptions checks the sum). */
function splitFractions(value: string): SplitFractions {
  const parts = value.split('/');
  if (parts.length !== 3 || parts.some((p) => !/^(0|1|0?\.\d+|1\.0*)$/.test(p.trim())))
    throw new Error(
      `WordNet spec split=${value}: expected three fractions TRAIN/DEV/TEST, as in split=0.5/0.05/0.45`,
    );
  const [train, dev, test] = parts.map(Number) as [number, number, number];
  return { train, dev, test };
}

export interface LoadDatasetOptions extends LoadOptions {
  /** Options of the WordNet tasks (ignored by the file kinds). */
  readonly wordnet?: WordNetOptions;
}

function keepSplits(
  dataset: RetrievalDataset,
  splits: readonly SplitName[] | undefined,
  name: string | undefined,
): RetrievalDataset {
  let out = dataset;
  if (splits) {
    const kept: Partial<Record<SplitName, Split>> = {};
    for (const s of splits) {
      const split = dataset.splits[s];
      if (!split) throw new Error(`${dataset.name}: split "${s}" is empty with these options`);
      kept[s] = split;
    }
    out = { ...out, splits: kept };
  }
  return name ? { ...out, name } : out;
}

/** Loads the dataset a `KIND:PATH` spec names (see the header for the kinds). */
export async function loadDataset(
  spec: string,
  options: LoadDatasetOptions = {},
): Promise<RetrievalDataset> {
  const { kind, path } = parseDatasetSpec(spec);
  const { wordnet, ...load } = options;
  switch (kind) {
    case 'beir':
      return loadBeir(path, load);
    case 'dpr':
      return loadDpr(path, load);
    case 'msmarco':
      return loadMsmarco(path, load);
    case 'wordnet-senses':
    case 'wordnet-definitions': {
      const parsed = parseWordNetPath(path);
      const dataset = await buildWordNetDataset(kind, {
        ...WORDNET_PRESETS[parsed.preset],
        ...wordnet,
        ...parsed.options,
      });
      return keepSplits(dataset, load.splits, load.name);
    }
  }
}
