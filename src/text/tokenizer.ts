/**
 * The BERT WordPiece tokenizer: text → ids with [CLS]/[SEP], truncation, padding and
 * attention masks, one text or a batch. Matches HF `BertTokenizer(do_lower_case=True)` and
 * the original Google code on the oracle cases (../shared/oracle/tokenizer).
 *
 * Speed: text is cut at whitespace into chunks, and each chunk's ids are cached (a bounded
 * Map, oldest evicted first), since corpora repeat words; a cache hit costs one Map lookup.
 * A batch is written straight into flat Int32Arrays.
 *
 * Does not: read model weights, or accept special tokens written in the text (see basic.ts).
 */
import { writeFileAtomic } from '../util/index.js';
import { basicTokenizeChunk, type BasicOptions } from './basic.js';
import { isSpaceUnit } from './chars.js';
import { keepPair, keepSingle } from './truncate.js';
import {
  DEFAULT_ENCODE_OPTIONS,
  SPECIAL_TOKENS,
  type EncodedBatch,
  type EncodeOptions,
  type Encoding,
} from './types.js';
import { readCheckpointTokenizer } from './checkpoint.js';
import {
  checkSpecialTokens,
  formatTokenizerConfig,
  formatVocabText,
  readVocabFile,
} from './vocab-file.js';
import { WordPieceModel } from './wordpiece.js';

export interface TokenizerOptions {
  /** Lowercase text (uncased BERT). Default true. */
  readonly lowercase?: boolean;
  /** Strip accents (NFD, drop Mn). Default: same as `lowercase`, as in BERT. */
  readonly stripAccents?: boolean;
  /** Split CJK ideographs into single-character words. Default true. */
  readonly tokenizeCjk?: boolean;
  /** A word with more code points becomes [UNK]. Default 100 (HF; Google's code used 200). */
  readonly maxCharsPerWord?: number;
  /** Whitespace chunks whose ids are cached; 0 turns the cache off. Default 100 000 (~10 MB). */
  readonly cacheSize?: number;
}

/** The resolved settings of a tokenizer (what a checkpoint must carry to rebuild it). */
export interface TokenizerSettings extends BasicOptions {
  readonly maxCharsPerWord: number;
}

const DEFAULT_MAX_CHARS_PER_WORD = 100;
const DEFAULT_CACHE_SIZE = 100_000;
/** Longer chunks (URLs, formulas) are rarely repeated; not caching them bounds the memory. */
const MAX_CACHED_CHUNK = 48;

function positiveInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(
      `WordPieceTokenizer: ${name} must be an integer >= ${min}, got ${String(value)}`,
    );
  }
  return value;
}

function resolveEncodeOptions(
  options: EncodeOptions | undefined,
  specials: number,
  where: string,
): number {
  const maxLength = options?.maxLength ?? DEFAULT_ENCODE_OPTIONS.maxLength;
  const padTo = options?.padTo ?? DEFAULT_ENCODE_OPTIONS.padTo;
  positiveInteger(maxLength, `${where}: maxLength`, specials);
  if (padTo === 'longest') return maxLength;
  if (typeof padTo !== 'number') {
    throw new Error(
      `WordPieceTokenizer: ${where}: padTo must be 'longest' or a number, got ${JSON.stringify(padTo)}`,
    );
  }
  positiveInteger(padTo, `${where}: padTo`, specials);
  return Math.min(maxLength, padTo);
}

export class WordPieceTokenizer {
  readonly vocab: readonly string[];
  readonly settings: TokenizerSettings;
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  /** Id of [MASK], if the vocabulary has one. */
  readonly maskId: number | undefined;

  private readonly model: WordPieceModel;
  private readonly cache = new Map<string, readonly number[]>();
  private readonly cacheSize: number;
  private readonly words: string[] = [];

  constructor(vocab: readonly string[], options: TokenizerOptions = {}) {
    if (!Array.isArray(vocab) || vocab.length === 0) {
      throw new Error('WordPieceTokenizer: vocab must be a non-empty array of tokens');
    }
    vocab.forEach((token, id) => {
      if (typeof token !== 'string') {
        throw new Error(
          `WordPieceTokenizer: vocab[${id}] must be a string, got ${JSON.stringify(token)}`,
        );
      }
    });
    const lowercase = options.lowercase ?? true;
    this.settings = Object.freeze({
      lowercase,
      stripAccents: options.stripAccents ?? lowercase,
      tokenizeCjk: options.tokenizeCjk ?? true,
      maxCharsPerWord: positiveInteger(
        options.maxCharsPerWord ?? DEFAULT_MAX_CHARS_PER_WORD,
        'maxCharsPerWord',
        1,
      ),
    });
    this.cacheSize = positiveInteger(options.cacheSize ?? DEFAULT_CACHE_SIZE, 'cacheSize', 0);
    this.vocab = Object.freeze([...vocab]);
    this.model = new WordPieceModel(this.vocab, SPECIAL_TOKENS.unk, this.settings.maxCharsPerWord);
    const required = (token: string): number => {
      const id = this.model.ids.get(token);
      if (id === undefined)
        throw new Error(`WordPieceTokenizer: the vocabulary has no ${token} token`);
      return id;
    };
    this.padId = required(SPECIAL_TOKENS.pad);
    this.unkId = this.model.unkId;
    this.clsId = required(SPECIAL_TOKENS.cls);
    this.sepId = required(SPECIAL_TOKENS.sep);
    this.maskId = this.model.ids.get(SPECIAL_TOKENS.mask);
  }

  /** A tokenizer over a `vocab.txt` (one token per line, id = line index), uncased by default. */
  static async fromVocabFile(
    path: string,
    options: TokenizerOptions = {},
  ): Promise<WordPieceTokenizer> {
    const vocab = await readVocabFile(path);
    checkSpecialTokens(vocab, path); // here, so that the error names the file
    return new WordPieceTokenizer(vocab, options);
  }

  /**
   * A tokenizer from a HF checkpoint folder: the vocabulary from `vocab.txt`, or from
   * `tokenizer.json` (`model.vocab`) when there is no vocab.txt; the settings from
   * tokenizer.json's BertNormalizer, else tokenizer_config.json, else uncased defaults.
   * `options` override both. A vocab.txt that disagrees with tokenizer.json is an error.
   */
  static async fromDir(dir: string, options: TokenizerOptions = {}): Promise<WordPieceTokenizer> {
    const { vocab, settings } = await readCheckpointTokenizer(dir);
    return new WordPieceTokenizer(vocab, { ...settings, ...options });
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The id of `token`, or undefined when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.model.ids.get(token);
  }

  /** Word pieces of `text`, without [CLS]/[SEP]; unknown words are "[UNK]". */
  tokenize(text: string): string[] {
    return this.appendIds(text, [], Infinity).map((id) => this.vocab[id]!);
  }

  /** Word-piece ids of `text` without special tokens, at most `limit` of them (kept from the left). */
  encodeIds(text: string, limit = Infinity): number[] {
    return this.appendIds(text, [], limit);
  }

  /**
   * One text, or a pair `[CLS] text [SEP] pair [SEP]` (token types 0 through the first
   * [SEP], 1 after), truncated to `maxLength` (pairs by HF's longest-first rule, see
   * truncate.ts), padded only when `padTo` is a number.
   */
  encode(text: string, options: EncodeOptions & { readonly pair?: string } = {}): Encoding {
    const pair = options.pair;
    const limit = resolveEncodeOptions(options, pair === undefined ? 2 : 3, 'encode');
    const inputIds: number[] = [this.clsId];
    const tokenTypeIds: number[] = [0];
    if (pair === undefined) {
      this.appendIds(text, inputIds, limit - 2);
      inputIds.push(this.sepId);
      while (tokenTypeIds.length < inputIds.length) tokenTypeIds.push(0);
    } else {
      const a = this.appendIds(text, [], Infinity);
      const b = this.appendIds(pair, [], Infinity);
      const [keepA, keepB] = keepPair(a.length, b.length, limit - 3);
      for (let i = 0; i < keepA; i++) inputIds.push(a[i]!);
      inputIds.push(this.sepId);
      while (tokenTypeIds.length < inputIds.length) tokenTypeIds.push(0);
      for (let i = 0; i < keepB; i++) inputIds.push(b[i]!);
      inputIds.push(this.sepId);
      while (tokenTypeIds.length < inputIds.length) tokenTypeIds.push(1);
    }
    const attentionMask = inputIds.map(() => 1);
    if (typeof options.padTo === 'number') {
      while (inputIds.length < options.padTo) {
        inputIds.push(this.padId);
        tokenTypeIds.push(0);
        attentionMask.push(0);
      }
    }
    return { inputIds, tokenTypeIds, attentionMask };
  }

  /**
   * A padded batch: row b is `[CLS] pieces(texts[b]) [SEP] [PAD]...`, cut to `maxLength`
   * (or to `padTo` when that is a number), token types all 0. An empty batch has seqLen 0
   * (or `padTo`).
   */
  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): EncodedBatch {
    const limit = resolveEncodeOptions(options, 2, 'encodeBatch');
    const batchSize = texts.length;
    const pieces: number[] = [];
    const starts = new Int32Array(batchSize + 1);
    const lengths: number[] = new Array<number>(batchSize);
    let longest = 0;
    for (let b = 0; b < batchSize; b++) {
      const text = texts[b];
      if (typeof text !== 'string') {
        throw new Error(
          `WordPieceTokenizer.encodeBatch: texts[${b}] must be a string, got ${JSON.stringify(text)}`,
        );
      }
      starts[b] = pieces.length;
      this.appendIds(text, pieces, limit - 2);
      const length = pieces.length - starts[b]! + 2;
      lengths[b] = length;
      if (length > longest) longest = length;
    }
    starts[batchSize] = pieces.length;
    const seqLen = typeof options.padTo === 'number' ? options.padTo : longest;
    const inputIds = new Int32Array(batchSize * seqLen); // [B, L]
    const attentionMask = new Int32Array(batchSize * seqLen); // [B, L]
    const tokenTypeIds = new Int32Array(batchSize * seqLen); // [B, L], single segments: all 0
    if (this.padId !== 0) inputIds.fill(this.padId);
    for (let b = 0; b < batchSize; b++) {
      const row = b * seqLen;
      const from = starts[b]!;
      const to = starts[b + 1]!;
      inputIds[row] = this.clsId;
      let at = row + 1;
      for (let i = from; i < to; i++) inputIds[at++] = pieces[i]!;
      inputIds[at] = this.sepId;
      attentionMask.fill(1, row, row + lengths[b]!);
    }
    return { inputIds, attentionMask, tokenTypeIds, batchSize, seqLen, lengths };
  }

  /** Writes `vocab.txt` (atomically). The settings are not in it: see `tokenizerConfig()`. */
  async saveVocab(path: string): Promise<void> {
    await writeFileAtomic(path, formatVocabText(this.vocab));
  }

  /** A HF `tokenizer_config.json` object that carries this tokenizer's settings. */
  tokenizerConfig(): Record<string, unknown> {
    return formatTokenizerConfig(this.settings);
  }

  /**
   * Appends the piece ids of `text` to `out`, at most `limit` of them, and returns `out`.
   * Stops reading text once the limit is reached: the result equals cutting from the right.
   */
  private appendIds(text: string, out: number[], limit: number): number[] {
    const first = out.length;
    if (limit <= 0) return out;
    const cap = first + limit;
    const n = text.length;
    let start = -1;
    for (let i = 0; i <= n; i++) {
      if (i < n && !isSpaceUnit(text.charCodeAt(i))) {
        if (start < 0) start = i;
        continue;
      }
      if (start < 0) continue;
      this.appendChunk(text.slice(start, i), out);
      start = -1;
      if (out.length >= cap) break;
    }
    if (out.length > cap) out.length = keepSingle(out.length - first, limit) + first;
    return out;
  }

  /** Ids of one whitespace-free chunk, from the cache or computed and cached. */
  private appendChunk(chunk: string, out: number[]): void {
    const cached = this.cache.get(chunk);
    if (cached !== undefined) {
      for (let i = 0; i < cached.length; i++) out.push(cached[i]!);
      return;
    }
    const from = out.length;
    const words = this.words;
    words.length = 0;
    basicTokenizeChunk(chunk, this.settings, words);
    for (let i = 0; i < words.length; i++) this.model.encodeWord(words[i]!, out);
    if (this.cacheSize > 0 && chunk.length <= MAX_CACHED_CHUNK) {
      if (this.cache.size >= this.cacheSize) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(chunk, out.slice(from));
    }
  }
}
