/**
 * Can a from-scratch dense encoder start as a lexical matcher, and does the quick training
 * improve on that? (The question behind "the quick preset does not beat BM25".) Prints one
 * JSON object of wordnet-senses test MRR@10 for:
 *
 * - `bm25`: the BM25 baseline (Porter stems);
 * - `sparseTfIdf`: cosine of idf^p-weighted bags of the quick vocabulary's WordPiece tokens,
 *   exact (a ceiling for what a dense bag of words over these tokens can do);
 * - `lexicalInit`: the quick preset's dual encoder (width --hidden) whose word-embedding rows
 *   are random vectors of RMS --scale·(idf/max idf)^p ("random indexing"), untrained and
 *   after the quick schedule (lr --lr). Every LayerNorm's eps is 1: a LayerNorm rescales
 *   each token to unit variance, which would erase the idf scale; with eps 1 and small
 *   activations it is near linear, so the untrained encoder's mean-pooled output is a random
 *   projection of the idf-weighted bag of tokens.
 *
 *   npx tsx bench/train-lexical-init.ts [--hidden 128] [--power 2] [--scale 0.3] [--lr 1e-3]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import type { RetrievalDataset } from '../src/data/index.js';
import { TopK } from '../src/retrieval/index.js';
import { WordPieceTokenizer } from '../src/text/index.js';
import {
  createPresetDualEncoder,
  passageText,
  presetVocab,
  trainDualEncoder,
  trainPreset,
  type DualEncoder,
} from '../src/train/index.js';
import { lineProgress } from '../src/util/index.js';
import { bm25Mrr, denseMrr, sensesDataset, testMrr } from './lib/senses-test.js';
import { numberArg } from './lib/args.js';

/** idf of every vocabulary id over the corpus' passages: ln((N+1)/(df+1)). */
function tokenIdf(tokenizer: WordPieceTokenizer, dataset: RetrievalDataset): Float64Array {
  const docs = Object.values(dataset.corpus);
  const df = new Float64Array(tokenizer.vocab.length);
  for (const doc of docs) {
    for (const id of new Set(tokenizer.encode(passageText(doc)).inputIds)) df[id]!++;
  }
  return df.map((n) => Math.log((docs.length + 1) / (n + 1)));
}

/** Unit-length sparse vector of idf^power-weighted token counts. */
function sparseBag(ids: readonly number[], weight: Float64Array): Map<number, number> {
  const bag = new Map<number, number>();
  for (const id of ids) bag.set(id, (bag.get(id) ?? 0) + weight[id]!);
  const norm = Math.hypot(...bag.values()) || 1;
  for (const [id, w] of bag) bag.set(id, w / norm);
  return bag;
}

function sparseTfIdfMrr(
  tokenizer: WordPieceTokenizer,
  dataset: RetrievalDataset,
  weight: Float64Array,
): number {
  const docIds = Object.keys(dataset.corpus);
  const docs = docIds.map((id) =>
    sparseBag(tokenizer.encode(passageText(dataset.corpus[id]!)).inputIds, weight),
  );
  const run: Record<string, Record<string, number>> = {};
  for (const [queryId, query] of Object.entries(dataset.splits.test!.queries)) {
    const q = sparseBag(tokenizer.encode(query.text).inputIds, weight);
    const top = new TopK(10);
    docs.forEach((doc, i) => {
      let dot = 0;
      for (const [id, w] of q) dot += w * (doc.get(id) ?? 0);
      top.push(i, dot);
    });
    const { indices, scores } = top.sorted();
    run[queryId] = Object.fromEntries(Array.from(indices, (i, r) => [docIds[i]!, scores[r]!]));
  }
  return testMrr(dataset, run);
}

/** Scales each word-embedding row (drawn N(0, initializerRange)) to RMS rowRms[id]. */
function scaleWordRows(dual: DualEncoder, rowRms: Float64Array): void {
  for (const encoder of new Set([dual.query, dual.passage])) {
    const table = encoder.weights.get('embeddings.word_embeddings.weight')!;
    const [V, H] = table.shape as [number, number];
    const values = (table.dataSync() as Float32Array).slice();
    const std = encoder.config.initializerRange;
    for (let i = 0; i < V; i++) {
      for (let h = 0; h < H; h++) values[i * H + h]! *= rowRms[i]! / std;
    }
    tf.tidy(() => table.assign(tf.tensor2d(values, [V, H])));
  }
}

await initBackend({ announce: false });
const hidden = numberArg('hidden', 128);
const power = numberArg('power', 2);
const scale = numberArg('scale', 0.3);
const base = trainPreset('quick');
const preset = {
  ...base,
  model: {
    ...base.model,
    hiddenSize: hidden,
    numAttentionHeads: hidden / 64,
    intermediateSize: 4 * hidden,
    layerNormEps: 1,
  },
  train: { ...base.train, lr: numberArg('lr', base.train.lr!) },
};
const dataset = await sensesDataset();
const tokenizer = new WordPieceTokenizer(presetVocab(preset, dataset));
const idf = tokenIdf(tokenizer, dataset);
const maxIdf = Math.max(...idf);
const dual = createPresetDualEncoder(preset, tokenizer.vocab.length);
scaleWordRows(
  dual,
  idf.map((x) => scale * (x / maxIdf) ** power),
);
const untrained = denseMrr(dual, tokenizer, dataset, preset.train);
const result = await trainDualEncoder(dual, tokenizer, dataset, {
  ...preset.train,
  progress: lineProgress(10_000),
  logEvery: 20,
});
process.stdout.write(
  JSON.stringify({
    hidden,
    power,
    scale,
    lr: preset.train.lr,
    trainSeconds: Number(result.seconds.toFixed(1)),
    mrr10: {
      bm25: bm25Mrr(dataset),
      sparseTfIdf: Object.fromEntries(
        [1, 2].map((p) => [
          `idf^${p}`,
          sparseTfIdfMrr(
            tokenizer,
            dataset,
            idf.map((x) => x ** p),
          ),
        ]),
      ),
      lexicalInit: { untrained, trained: denseMrr(dual, tokenizer, dataset, preset.train) },
    },
  }) + '\n',
);
