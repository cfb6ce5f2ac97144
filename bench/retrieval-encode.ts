/**
 * Corpus encoding throughput (passages/s) through the resumable index store: SciFact
 * passages ("title text", up to 128 tokens) encoded by a quick-grid-shaped encoder and a
 * BERT-base-shaped one (random weights: speed does not depend on them).
 *
 *   npx tsx bench/retrieval-encode.ts [--docs 512]     (reads $KALELAB_DATASETS/scifact)
 * Prints one JSON object.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/backend/index.js';
import { loadDataset } from '../src/data/index.js';
import { BERT_BASE_SHAPE } from '../src/bench/index.js';
import {
  createEncoder,
  disposeEncoder,
  embedTexts,
  encoderFingerprint,
} from '../src/model/index.js';
import { encodeCorpus } from '../src/retrieval/index.js';
import { WordPieceTokenizer, buildVocab } from '../src/text/index.js';
import { passageText } from '../src/train/index.js';
import { numberArg } from './lib/args.js';

const limit = numberArg('docs', 512);
const backend = await initBackend({ announce: false });
const root = process.env['KALELAB_DATASETS'] ?? '../shared/datasets';
const dataset = await loadDataset(`beir:${join(root, 'scifact')}`);
const ids = Object.keys(dataset.corpus).slice(0, limit);
const texts = ids.map((id) => passageText(dataset.corpus[id]!));
const tokenizer = new WordPieceTokenizer(buildVocab(texts, { size: 8192 }));

const shapes = [
  {
    name: 'quick-grid',
    config: {
      ...BERT_BASE_SHAPE,
      vocabSize: tokenizer.vocab.length,
      hiddenSize: 64,
      numHiddenLayers: 4,
      numAttentionHeads: 2,
      intermediateSize: 256,
      maxPositionEmbeddings: 128,
    },
  },
  { name: 'bert-base', config: { ...BERT_BASE_SHAPE, vocabSize: tokenizer.vocab.length } },
];
const results = [];
for (const shape of shapes) {
  const encoder = createEncoder(shape.config, 1);
  const dir = await mkdtemp(join(tmpdir(), 'kalelab-encode-'));
  const n = shape.name === 'bert-base' ? Math.min(ids.length, 128) : ids.length;
  const started = performance.now();
  await encodeCorpus(
    dir,
    { ids: ids.slice(0, n), texts: texts.slice(0, n) },
    async (batch) => embedTexts(encoder, tokenizer, batch, { maxLength: 128, batchSize: 32 }),
    encoderFingerprint(encoder),
    { shardSize: 256, batchSize: 256 },
  );
  const seconds = (performance.now() - started) / 1000;
  results.push({
    model: shape.name,
    hidden: shape.config.hiddenSize,
    layers: shape.config.numHiddenLayers,
    passages: n,
    maxTokens: 128,
    seconds: Math.round(seconds * 100) / 100,
    passagesPerSecond: Math.round((n / seconds) * 10) / 10,
  });
  await rm(dir, { recursive: true, force: true });
  disposeEncoder(encoder);
}
process.stdout.write(
  JSON.stringify(
    { backend: backend.name, threads: backend.threads, corpusEncoding: results },
    null,
    2,
  ) + '\n',
);
