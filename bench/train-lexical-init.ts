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
 *   projection of the idf-weighted bag of tokens. With --freeze-words 1 the word rows stay
 *   as drawn and only the layers train (can they add to the lexical start without moving it?);
 * - `bm25OraclePos`: BM25 keeping only documents of the query synset's part of speech (the
 *   first letter of a WordNet id): what choosing the sense by its part of speech alone would
 *   add, the kind of thing training has to learn from the query's context;
 * - `posFromQueryWords`: how well a bag of words tells that part of speech: the test accuracy
 *   of a logistic regression from a query's words to its sense's part of speech, fitted on
 *   the training queries, next to always guessing the most frequent one.
 *
 *   npx tsx bench/train-lexical-init.ts [--hidden 128] [--power 2] [--scale 0.3] [--lr 1e-3]
 *     [--freeze-words 0|1]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import type { RetrievalDataset } from '../src/data/index.js';
import { Bm25Index, TopK } from '../src/retrieval/index.js';
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

/** Stops training the word-embedding tables: the trainer skips non-trainable variables. */
function freezeWordRows(dual: DualEncoder): void {
  for (const encoder of new Set([dual.query, dual.passage])) {
    encoder.weights.get('embeddings.word_embeddings.weight')!.trainable = false;
  }
}

/** BM25 with every document of another part of speech than the query's synset removed. */
function bm25OraclePosMrr(dataset: RetrievalDataset): number {
  const ranked = Bm25Index.build(dataset.corpus).searchAll(dataset.splits.test!.queries, 1000);
  const run: Record<string, Record<string, number>> = {};
  for (const [queryId, docs] of Object.entries(ranked)) {
    const kept = Object.entries(docs).filter(([docId]) => docId[0] === queryId[0]);
    run[queryId] = Object.fromEntries(kept.slice(0, 10));
  }
  return testMrr(dataset, run);
}

const POS_LETTERS = ['n', 'v', 'a', 'r'];
const words = (text: string): string[] => text.toLowerCase().match(/[a-z]+/g) ?? [];

/** Softmax regression over word counts / √length, 30 epochs of SGD at rate 0.05. */
function fitPosClassifier(examples: ReadonlyArray<[string[], number]>): (x: string[]) => number {
  const K = POS_LETTERS.length;
  const weights = new Map<string, Float64Array>();
  const bias = new Float64Array(K);
  const logits = (x: string[]): Float64Array => {
    const z = Float64Array.from(bias);
    for (const w of x) weights.get(w)?.forEach((v, k) => (z[k]! += v / Math.sqrt(x.length)));
    return z;
  };
  for (let epoch = 0; epoch < 30; epoch++) {
    for (const [x, label] of examples) {
      const z = logits(x);
      const max = Math.max(...z);
      const p = z.map((v) => Math.exp(v - max));
      const total = p.reduce((a, b) => a + b, 0);
      for (let k = 0; k < K; k++) {
        const g = 0.05 * (p[k]! / total - (k === label ? 1 : 0));
        bias[k]! -= g;
        for (const w of x) {
          if (!weights.has(w)) weights.set(w, new Float64Array(K));
          weights.get(w)![k]! -= g / Math.sqrt(x.length);
        }
      }
    }
  }
  return (x) => {
    const z = logits(x);
    return z.indexOf(Math.max(...z));
  };
}

function posFromQueryWords(dataset: RetrievalDataset): { accuracy: number; majority: number } {
  const examples = (split: 'train' | 'test'): Array<[string[], number]> =>
    Object.entries(dataset.splits[split]!.queries).map(([id, q]) => [
      words(q.text),
      POS_LETTERS.indexOf(id[0]!),
    ]);
  const classify = fitPosClassifier(examples('train'));
  const test = examples('test');
  const counts = POS_LETTERS.map((_, k) => test.filter(([, y]) => y === k).length);
  return {
    accuracy: test.filter(([x, y]) => classify(x) === y).length / test.length,
    majority: Math.max(...counts) / test.length,
  };
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
const freezeWords = numberArg('freeze-words', 0) === 1;
if (freezeWords) freezeWordRows(dual);
const untrained = denseMrr(dual, tokenizer, dataset, preset.train);
const result = await trainDualEncoder(
  dual,
  tokenizer,
  dataset,
  { ...preset.train, logEvery: 20 },
  { progress: lineProgress(10_000) },
);
process.stdout.write(
  JSON.stringify({
    hidden,
    power,
    scale,
    lr: preset.train.lr,
    freezeWords,
    trainSeconds: Number(result.seconds.toFixed(1)),
    posFromQueryWords: posFromQueryWords(dataset),
    mrr10: {
      bm25: bm25Mrr(dataset),
      bm25OraclePos: bm25OraclePosMrr(dataset),
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
