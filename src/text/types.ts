/**
 * The shapes the tokenizer hands to the model: encoding options and a padded batch of
 * ids in flat row-major typed arrays, ready for `tf.tensor2d(ids, [batchSize, seqLen], 'int32')`.
 */

/** A batch, row-major [batchSize, seqLen], right-padded with [PAD] (id 0 in BERT vocabularies). */
export interface EncodedBatch {
  /** [batchSize * seqLen] token ids, [CLS] first, [SEP] last, then [PAD]. */
  readonly inputIds: Int32Array;
  /** [batchSize * seqLen] 1 on real tokens (specials included), 0 on padding. */
  readonly attentionMask: Int32Array;
  /** [batchSize * seqLen] 0 for the first segment, 1 for the second of a pair; 0 on padding. */
  readonly tokenTypeIds: Int32Array;
  readonly batchSize: number;
  readonly seqLen: number;
  /** Real length of each row, specials included (the number of 1s in its mask). */
  readonly lengths: readonly number[];
}

export interface EncodeOptions {
  /**
   * Most tokens per sequence, [CLS]/[SEP] included; longer texts lose word pieces from the
   * right. Default 512, BERT's position table.
   */
  readonly maxLength?: number;
  /**
   * 'longest' (default): pad to the longest sequence of the batch (no padding for `encode`).
   * A number N: every row has exactly N tokens; texts are cut to min(maxLength, N).
   */
  readonly padTo?: 'longest' | number;
}

/** The frozen defaults of `EncodeOptions`. */
export const DEFAULT_ENCODE_OPTIONS: Required<EncodeOptions> = Object.freeze({
  maxLength: 512,
  padTo: 'longest',
});

/** One encoded sequence (or pair), as plain arrays. */
export interface Encoding {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
}

/** BERT's special tokens; a vocabulary must hold [PAD], [UNK], [CLS] and [SEP]. */
export const SPECIAL_TOKENS = Object.freeze({
  pad: '[PAD]',
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  mask: '[MASK]',
});
