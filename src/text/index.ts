/** Text → token ids: the BERT WordPiece tokenizer and a vocabulary builder. */
export { WordPieceTokenizer, type TokenizerOptions, type TokenizerSettings } from './tokenizer.js';
// types.ts holds only the public shapes (encode options, encodings, special tokens): all of it.
export * from './types.js';
export { buildVocab, DEFAULT_BUILD_VOCAB_OPTIONS, type BuildVocabOptions } from './build-vocab.js';
export { basicTokenize, DEFAULT_BASIC_OPTIONS, type BasicOptions } from './basic.js';
