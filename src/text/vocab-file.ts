/**
 * Reading and writing WordPiece vocabularies in Hugging Face checkpoint formats:
 * `vocab.txt` (one token per line, id = line index), `tokenizer.json` (fast tokenizer:
 * `model.vocab` plus the BertNormalizer settings) and `tokenizer_config.json`
 * (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`).
 *
 * Does not: tokenize (tokenizer.ts). Only BERT-style WordPiece tokenizers are accepted;
 * anything else is refused with the field that says so.
 */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { SPECIAL_TOKENS } from './types.js';

/** Tokenizer settings a checkpoint can carry; undefined means "not stated there". */
export interface CheckpointTokenizerSettings {
  readonly lowercase?: boolean;
  readonly stripAccents?: boolean;
  readonly tokenizeCjk?: boolean;
  readonly maxCharsPerWord?: number;
}

/** Parses `vocab.txt` text: lines split on \n (a trailing \r is dropped), final empty line ignored. */
export function parseVocabText(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** `vocab.txt` text for `vocab`, refusing tokens that would not read back as one line. */
export function formatVocabText(vocab: readonly string[]): string {
  vocab.forEach((token, id) => {
    if (/[\n\r]/.test(token)) {
      throw new Error(`vocab.txt: token ${id} ${JSON.stringify(token)} contains a line break`);
    }
  });
  return vocab.join('\n') + '\n';
}

/**
 * Throws unless every token of a vocab.txt is on one line only: a repeated token leaves the
 * earlier id unreachable (HF's loader keeps the last) and cannot be written to tokenizer.json.
 */
export function checkUniqueTokens(vocab: readonly string[], path: string): void {
  const first = new Map<string, number>();
  vocab.forEach((token, id) => {
    const seen = first.get(token);
    if (seen !== undefined)
      throw new Error(
        `${path}:${id + 1}: token ${JSON.stringify(token.slice(0, 80))} repeats line ${seen + 1} (each token must be on one line)`,
      );
    first.set(token, id);
  });
}

/**
 * The text of a vocab.txt, or undefined when the file does not exist (with `optional`).
 * Errors name the file: unreadable (a folder, no permission) or not valid UTF-8 (a
 * replaced byte would merge distinct tokens).
 */
export async function readVocabText(path: string, optional = false): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new Error(`${path}: cannot read the vocabulary (${code ?? String(error)})`, {
      cause: error,
    });
  }
  if (!isUtf8(bytes)) {
    const lines = bytes.toString('latin1').split('\n');
    const bad = lines.findIndex((line) => !isUtf8(Buffer.from(line, 'latin1')));
    throw new Error(`${path}:${bad + 1}: not valid UTF-8; save the vocabulary as UTF-8`);
  }
  return bytes.toString('utf8');
}

/** Throws unless `vocab` (read from `path`) has the tokens BERT needs: [PAD], [UNK], [CLS], [SEP]. */
export function checkSpecialTokens(vocab: readonly string[], path: string): void {
  const tokens = new Set(vocab);
  const { pad, unk, cls, sep } = SPECIAL_TOKENS;
  for (const token of [pad, unk, cls, sep])
    if (!tokens.has(token))
      throw new Error(`${path}: the vocabulary has no ${token} token (BERT needs ${token})`);
}

export async function readVocabFile(path: string): Promise<string[]> {
  const vocab = parseVocabText((await readVocabText(path))!);
  if (vocab.length === 0) throw new Error(`${path}: empty vocabulary`);
  checkUniqueTokens(vocab, path);
  return vocab;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalBoolean(value: unknown, field: string, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    throw new Error(`${path}: ${field} must be a boolean or null, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The vocabulary and settings of a HF `tokenizer.json` holding a WordPiece model.
 * `model.vocab` maps token → id; ids must be 0..n-1 without gaps or repeats.
 */
export function parseTokenizerJson(
  json: unknown,
  path: string,
): { vocab: string[]; settings: CheckpointTokenizerSettings } {
  if (!isRecord(json) || !isRecord(json['model'])) throw new Error(`${path}: no "model" object`);
  const model = json['model'];
  if (model['type'] !== 'WordPiece') {
    throw new Error(
      `${path}: model.type is ${JSON.stringify(model['type'])}; only "WordPiece" is supported`,
    );
  }
  const prefix = model['continuing_subword_prefix'];
  if (prefix !== undefined && prefix !== '##') {
    throw new Error(
      `${path}: model.continuing_subword_prefix is ${JSON.stringify(prefix)}; only "##" is supported`,
    );
  }
  const table = model['vocab'];
  if (!isRecord(table)) throw new Error(`${path}: model.vocab must be an object of token → id`);
  const entries = Object.entries(table);
  const vocab = new Array<string | undefined>(entries.length).fill(undefined);
  for (const [token, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= entries.length) {
      throw new Error(
        `${path}: model.vocab[${JSON.stringify(token)}] = ${JSON.stringify(id)} is not an id in 0..${entries.length - 1}`,
      );
    }
    if (vocab[id] !== undefined) {
      throw new Error(
        `${path}: model.vocab id ${id} is used by both ${JSON.stringify(vocab[id])} and ${JSON.stringify(token)}`,
      );
    }
    vocab[id] = token;
  }
  const maxChars = model['max_input_chars_per_word'];
  if (
    maxChars !== undefined &&
    (typeof maxChars !== 'number' || !Number.isInteger(maxChars) || maxChars < 1)
  ) {
    throw new Error(
      `${path}: model.max_input_chars_per_word must be a positive integer, got ${JSON.stringify(maxChars)}`,
    );
  }
  let settings: CheckpointTokenizerSettings = { maxCharsPerWord: maxChars as number | undefined };
  const normalizer = json['normalizer'];
  if (normalizer !== undefined && normalizer !== null) {
    if (!isRecord(normalizer) || normalizer['type'] !== 'BertNormalizer') {
      const type = isRecord(normalizer) ? normalizer['type'] : normalizer;
      throw new Error(
        `${path}: normalizer.type is ${JSON.stringify(type)}; only "BertNormalizer" is supported`,
      );
    }
    const lowercase =
      optionalBoolean(normalizer['lowercase'], 'normalizer.lowercase', path) ?? true;
    settings = {
      ...settings,
      lowercase,
      // HF: strip_accents null means "follow lowercase".
      stripAccents:
        optionalBoolean(normalizer['strip_accents'], 'normalizer.strip_accents', path) ?? lowercase,
      tokenizeCjk: optionalBoolean(
        normalizer['handle_chinese_chars'],
        'normalizer.handle_chinese_chars',
        path,
      ),
    };
  }
  return { vocab: vocab as string[], settings };
}

/** Settings stated by a HF `tokenizer_config.json` (slow BertTokenizer arguments). */
export function parseTokenizerConfig(json: unknown, path: string): CheckpointTokenizerSettings {
  if (!isRecord(json)) throw new Error(`${path}: expected a JSON object`);
  const lowercase = optionalBoolean(json['do_lower_case'], 'do_lower_case', path);
  const strip = optionalBoolean(json['strip_accents'], 'strip_accents', path);
  return {
    lowercase,
    stripAccents: strip ?? lowercase,
    tokenizeCjk: optionalBoolean(json['tokenize_chinese_chars'], 'tokenize_chinese_chars', path),
  };
}

/** The `tokenizer_config.json` object HF `BertTokenizer` needs to reproduce these settings. */
export function formatTokenizerConfig(settings: {
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly tokenizeCjk: boolean;
}): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: settings.lowercase,
    strip_accents: settings.stripAccents === settings.lowercase ? null : settings.stripAccents,
    tokenize_chinese_chars: settings.tokenizeCjk,
    unk_token: '[UNK]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    cls_token: '[CLS]',
    mask_token: '[MASK]',
  };
}
