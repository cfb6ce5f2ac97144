/**
 * The tokenizer part of a Hugging Face checkpoint folder: the WordPiece vocabulary from
 * `vocab.txt`, or from `tokenizer.json` (`model.vocab`) when there is no vocab.txt, and the
 * settings from tokenizer.json's BertNormalizer, else tokenizer_config.json, else none
 * (the tokenizer's uncased defaults apply). A vocab.txt that disagrees with tokenizer.json
 * is an error naming the first differing id.
 *
 * Does not: build the tokenizer (WordPieceTokenizer.fromDir does), or read model weights.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJson } from '../util/json.js';
import {
  checkSpecialTokens,
  parseTokenizerConfig,
  parseTokenizerJson,
  checkUniqueTokens,
  parseVocabText,
  readVocabText,
  type CheckpointTokenizerSettings,
} from './vocab-file.js';

/** Drops undefined fields, so that merging settings keeps earlier stated values. */
function stated(settings: CheckpointTokenizerSettings): CheckpointTokenizerSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

async function readJsonIfPresent(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new Error(`${path}: cannot read (${code ?? String(error)})`, { cause: error });
  }
  return parseJson(text, path);
}

export async function readCheckpointTokenizer(
  dir: string,
): Promise<{ vocab: string[]; settings: CheckpointTokenizerSettings }> {
  const vocabPath = join(dir, 'vocab.txt');
  const jsonPath = join(dir, 'tokenizer.json');
  const configPath = join(dir, 'tokenizer_config.json');
  const [vocabText, tokenizerJson, config] = await Promise.all([
    readVocabText(vocabPath, true),
    readJsonIfPresent(jsonPath),
    readJsonIfPresent(configPath),
  ]);
  let settings: CheckpointTokenizerSettings = {};
  if (config !== undefined) settings = stated(parseTokenizerConfig(config, configPath));
  const fromJson =
    tokenizerJson === undefined ? undefined : parseTokenizerJson(tokenizerJson, jsonPath);
  if (fromJson !== undefined) settings = { ...settings, ...stated(fromJson.settings) };
  let vocab: string[];
  if (vocabText !== undefined) {
    vocab = parseVocabText(vocabText);
    if (vocab.length === 0) throw new Error(`${vocabPath}: empty vocabulary`);
    checkUniqueTokens(vocab, vocabPath);
    if (fromJson !== undefined) {
      const n = Math.max(vocab.length, fromJson.vocab.length);
      for (let id = 0; id < n; id++) {
        if (vocab[id] !== fromJson.vocab[id]) {
          throw new Error(
            `${dir}: vocab.txt and tokenizer.json disagree at id ${id}: ` +
              `${JSON.stringify(vocab[id])} vs ${JSON.stringify(fromJson.vocab[id])}`,
          );
        }
      }
    }
  } else if (fromJson !== undefined) {
    vocab = fromJson.vocab;
  } else {
    throw new Error(`${dir}: no vocab.txt or tokenizer.json, so no WordPiece vocabulary to load`);
  }
  const source = vocabText !== undefined ? vocabPath : jsonPath;
  checkSpecialTokens(vocab, source);
  return { vocab, settings };
}
