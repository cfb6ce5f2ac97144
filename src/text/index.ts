/** Text → token ids: the BERT WordPiece tokenizer and a vocabulary builder. */
export { WordPieceTokenizer, type TokenizerOptions, type TokenizerSettings } from './tokenizer.js';
export {
  DEFAULT_ENCODE_OPTIONS,
  SPECIAL_TOKENS,
  type EncodedBatch,
  type EncodeOptions,
  type Encoding,
} from './types.js';
export { buildVocab, DEFAULT_BUILD_VOCAB_OPTIONS, type BuildVocabOptions } from './build-vocab.js';
export { basicTokenize, DEFAULT_BASIC_OPTIONS, type BasicOptions } from './basic.js';
