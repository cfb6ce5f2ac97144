import { describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { createEncoder, disposeEncoder, embedTexts, type Encoder } from '../../src/model/index.js';
import { WordPieceTokenizer } from '../../src/text/index.js';
import { wasmOutOfBoundsTrap } from '../backend/wasm-trap.js';

// embed as it is, except that once armed it throws the trap the wasm backend throws when
// its heap runs out (a real heap exhaustion needs 4 GiB).
const trap = vi.hoisted(() => ({ armedAtCall: 0, calls: 0 }));
vi.mock('../../src/model/encoder.js', async (importActual) => {
  const actual = await importActual<typeof import('../../src/model/encoder.js')>();
  return {
    ...actual,
    embed: (...args: Parameters<typeof actual.embed>) => {
      trap.calls += 1;
      if (trap.calls === trap.armedAtCall) throw wasmOutOfBoundsTrap();
      return actual.embed(...args);
    },
  };
});

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

/** A one-layer encoder of width 8 over the eight tokens above, on the cpu backend. */
async function withTinyEncoder(run: (encoder: Encoder) => void): Promise<void> {
  await initBackend({ prefer: 'cpu', announce: false });
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
    run(encoder);
  } finally {
    disposeEncoder(encoder);
  }
}

describe('embedTexts', () => {
  it('normalize: the same directions as the raw vectors, at unit length, in input order', async () => {
    await withTinyEncoder((encoder) => {
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
    });
  });

  it('says which batch ran out of wasm heap, with what, and what to change', async () => {
    await withTinyEncoder((encoder) => {
      trap.calls = 0;
      trap.armedAtCall = 2;
      // Longest first: batch 1 is the two 3-word texts, batch 2 the two short ones.
      const texts = ['river bank money', 'money', 'bank money river', 'bank'];
      let caught: unknown;
      try {
        embedTexts(encoder, tokenizer, texts, { batchSize: 2 });
      } catch (error) {
        caught = error;
      } finally {
        trap.armedAtCall = 0;
      }
      expect(caught).toBeInstanceOf(Error);
      expect((caught as Error).message).toBe(
        "embedTexts: the wasm backend's heap (at most 4 GiB) ran out at batch 2 with 2 texts " +
          'of 3 tokens. Lower batchSize or maxLength; the wasm heap is unusable after this, ' +
          'so rerun in a new process.',
      );
      expect((caught as Error).cause).toHaveProperty('message', 'memory access out of bounds');
    });
  });
});
