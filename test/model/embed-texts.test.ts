import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { createEncoder, disposeEncoder, embedTexts } from '../../src/model/index.js';
import { WordPieceTokenizer } from '../../src/text/index.js';

describe('embedTexts normalize', () => {
  it('returns the same directions as the raw vectors, at unit length, in input order', async () => {
    await initBackend({ prefer: 'cpu', announce: false });
    const tokenizer = new WordPieceTokenizer([
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      'river',
      'bank',
      'money',
    ]);
    const encoder = createEncoder(
      {
        vocabSize: 8,
        hiddenSize: 8,
        numHiddenLayers: 1,
        numAttentionHeads: 2,
        intermediateSize: 16,
        maxPositionEmbeddings: 16,
        typeVocabSize: 2,
        layerNormEps: 1e-12,
        initializerRange: 0.02,
      },
      3,
    );
    try {
      const texts = ['river bank', 'money', 'bank money river bank'];
      const raw = embedTexts(encoder, tokenizer, texts, { pooling: 'mean' });
      const unit = embedTexts(encoder, tokenizer, texts, { pooling: 'mean', normalize: true });
      for (let i = 0; i < texts.length; i++) {
        const r = raw.subarray(i * 8, i * 8 + 8);
        const u = unit.subarray(i * 8, i * 8 + 8);
        const norm = Math.hypot(...r);
        expect(Math.hypot(...u)).toBeCloseTo(1, 6);
        for (let d = 0; d < 8; d++) expect(u[d]).toBeCloseTo(r[d]! / norm, 6);
      }
    } finally {
      disposeEncoder(encoder);
    }
  });
});
