import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { createEncoder, disposeEncoder } from '../../src/model/index.js';
import { WordPieceTokenizer } from '../../src/text/index.js';
import {
  applyWordEmbeddings,
  loadWordVectors,
  wordEmbeddingRows,
} from '../../src/train/word-vectors.js';
import { useTempDir } from '../temp-dir.js';

const dir = useTempDir('wv');
beforeAll(async () => {
  await initBackend({ prefer: 'cpu', announce: false });
});

const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'bank', 'river', '##s', 'money'];

describe('loadWordVectors', () => {
  it('reads GloVe text, skipping a word2vec header, keeping only the words asked for', async () => {
    const path = join(dir(), 'vectors.txt');
    await writeFile(path, '4 3\nbank 3 0 4\nriver 0 1 0\nmoney 1 1 1\nother 9 9 9\n');
    const wv = await loadWordVectors(path, ['bank', 'river', 'missing']);
    expect(wv.dimensions).toBe(3);
    expect([...wv.vectors.keys()].sort()).toEqual(['bank', 'river']);
    expect([...wv.vectors.get('bank')!]).toEqual([3, 0, 4]);
  });

  it('reads the wink JSON layout (vector, then its norm and index)', async () => {
    const path = join(dir(), 'vectors.json');
    await writeFile(
      path,
      JSON.stringify({ dimensions: 2, vectors: { bank: [0.6, 0.8, 1, 0], river: [1, 0, 1, 1] } }),
    );
    const wv = await loadWordVectors(path, ['bank']);
    expect(wv.dimensions).toBe(2);
    expect([...wv.vectors.get('bank')!]).toEqual([0.6000000238418579, 0.800000011920929]);
  });

  it('names the file and line of a malformed text file', async () => {
    const ragged = join(dir(), 'ragged.txt');
    await writeFile(ragged, 'bank 1 2 3\nriver 1 2\n');
    await expect(loadWordVectors(ragged, ['bank'])).rejects.toThrow(
      `${ragged}:2: 2 values, expected 3 like line 1`,
    );
    const nan = join(dir(), 'nan.txt');
    await writeFile(nan, 'bank 1 x 3\n');
    await expect(loadWordVectors(nan, ['bank'])).rejects.toThrow(
      `${nan}:1: a value of "bank" is not a number`,
    );
  });
});

describe('wordEmbeddingRows + applyWordEmbeddings', () => {
  it('writes scaled vectors into whole-word rows only, padding to the hidden size', () => {
    const tokenizer = new WordPieceTokenizer(vocab);
    const wv = {
      dimensions: 3,
      vectors: new Map([
        ['bank', Float32Array.from([3, 0, 4])],
        ['##s', Float32Array.from([1, 1, 1])], // a piece: never a word vector
        ['river', Float32Array.from([0, 0, 0])], // zero vector: left alone
      ]),
    };
    const init = wordEmbeddingRows(tokenizer, wv, 4, 0.1);
    expect(init.coveredCount).toBe(1);
    expect([...init.covered]).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0]);
    // unit norm · 0.1 · √3, zero-padded from 3 to 4 dimensions
    const s = 0.1 * Math.sqrt(3);
    expect([...init.rows.subarray(5 * 4, 6 * 4)]).toEqual(
      [3 / 5, 0, 4 / 5, 0].map((x) => Math.fround(x * s)),
    );

    const encoder = createEncoder(
      {
        vocabSize: vocab.length,
        hiddenSize: 4,
        numHiddenLayers: 1,
        numAttentionHeads: 2,
        intermediateSize: 8,
        maxPositionEmbeddings: 8,
        typeVocabSize: 2,
        layerNormEps: 1e-12,
        initializerRange: 0.02,
      },
      1,
    );
    try {
      const table = encoder.weights.get('embeddings.word_embeddings.weight')!;
      const before = (table.dataSync() as Float32Array).slice();
      const tensors = tf.memory().numTensors;
      applyWordEmbeddings([encoder, encoder], init);
      expect(tf.memory().numTensors).toBe(tensors);
      const after = table.dataSync() as Float32Array;
      expect([...after.subarray(20, 24)]).toEqual([...init.rows.subarray(20, 24)]);
      for (const row of [0, 1, 2, 3, 4, 6, 7, 8]) {
        expect([...after.subarray(row * 4, row * 4 + 4)]).toEqual([
          ...before.subarray(row * 4, row * 4 + 4),
        ]);
      }
      expect(() => applyWordEmbeddings([encoder], { ...init, covered: new Uint8Array(3) })).toThrow(
        /table is \[9, 4\]/,
      );
    } finally {
      disposeEncoder(encoder);
    }
  });
});
