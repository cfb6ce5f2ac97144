/**
 * The JSON files that make an exported folder a Hugging Face model for transformers.js,
 * `tokenizers` and sentence-transformers: tokenizer.json (BertNormalizer, BertPreTokenizer,
 * WordPiece, the [CLS] A [SEP] (B [SEP]) template), tokenizer_config.json,
 * special_tokens_map.json, config.json, and sentence-transformers' modules.json with its
 * Pooling / Normalize configs. Pure functions: export.ts writes them.
 */
import { configToHf, type BertConfig } from '../model/config.js';
import type { Pooling } from '../model/weights.js';
import { SPECIAL_TOKENS, type WordPieceTokenizer } from '../text/index.js';

function specialIds(tokenizer: WordPieceTokenizer): Array<[string, number]> {
  return Object.values(SPECIAL_TOKENS)
    .map((t): [string, number] => [t, tokenizer.vocab.indexOf(t)])
    .filter(([, id]) => id >= 0)
    .sort((a, b) => a[1] - b[1]);
}

/** A `tokenizers` tokenizer.json reproducing `tokenizer` (same normaliser, pieces and specials). */
export function tokenizerJson(tokenizer: WordPieceTokenizer): Record<string, unknown> {
  const s = tokenizer.settings;
  const special = (token: string, typeId: number): object => ({
    SpecialToken: { id: token, type_id: typeId },
  });
  const sequence = (id: 'A' | 'B', typeId: number): object => ({
    Sequence: { id, type_id: typeId },
  });
  const { cls, sep } = SPECIAL_TOKENS;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialIds(tokenizer).map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: s.tokenizeCjk,
      // null = follow lowercase, as BERT does.
      strip_accents: s.stripAccents === s.lowercase ? null : s.stripAccents,
      lowercase: s.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(cls, 0), sequence('A', 0), special(sep, 0)],
      pair: [special(cls, 0), sequence('A', 0), special(sep, 0), sequence('B', 1), special(sep, 1)],
      special_tokens: {
        [cls]: { id: cls, ids: [tokenizer.clsId], tokens: [cls] },
        [sep]: { id: sep, ids: [tokenizer.sepId], tokens: [sep] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: SPECIAL_TOKENS.unk,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: s.maxCharsPerWord,
      vocab: Object.fromEntries(tokenizer.vocab.map((token, id) => [token, id])),
    },
  };
}

/** tokenizer_config.json: the slow-tokenizer settings plus the length transformers.js truncates to. */
export function tokenizerConfigJson(
  tokenizer: WordPieceTokenizer,
  config: BertConfig,
): Record<string, unknown> {
  return { ...tokenizer.tokenizerConfig(), model_max_length: config.maxPositionEmbeddings };
}

export function specialTokensMapJson(tokenizer: WordPieceTokenizer): Record<string, string> {
  const names: Record<string, string> = {
    [SPECIAL_TOKENS.pad]: 'pad_token',
    [SPECIAL_TOKENS.unk]: 'unk_token',
    [SPECIAL_TOKENS.cls]: 'cls_token',
    [SPECIAL_TOKENS.sep]: 'sep_token',
    [SPECIAL_TOKENS.mask]: 'mask_token',
  };
  return Object.fromEntries(specialIds(tokenizer).map(([t]) => [names[t]!, t]));
}

/** config.json, with how `sentence_embedding` is pooled recorded for readers of the folder. */
export function modelConfigJson(
  config: BertConfig,
  pooling: Pooling,
  normalize: boolean,
): Record<string, unknown> {
  return { ...configToHf(config), kalelab: { pooling, normalize } };
}

/**
 * sentence-transformers' module files (modules.json, 1_Pooling/config.json, …): with them
 * its ONNX backend pools and normalises as `sentence_embedding` does.
 */
export function sentenceTransformersFiles(
  config: BertConfig,
  pooling: Pooling,
  normalize: boolean,
): Record<string, unknown> {
  const modules: object[] = [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  ];
  if (normalize) {
    modules.push({
      idx: 2,
      name: '2',
      path: '2_Normalize',
      type: 'sentence_transformers.models.Normalize',
    });
  }
  return {
    'modules.json': modules,
    'sentence_bert_config.json': {
      max_seq_length: config.maxPositionEmbeddings,
      do_lower_case: false,
    },
    '1_Pooling/config.json': {
      word_embedding_dimension: config.hiddenSize,
      pooling_mode_cls_token: pooling === 'cls',
      pooling_mode_mean_tokens: pooling === 'mean',
      pooling_mode_max_tokens: false,
      pooling_mode_mean_sqrt_len_tokens: false,
    },
  };
}
