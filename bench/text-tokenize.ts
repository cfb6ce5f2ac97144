/**
 * Tokenizer throughput: encodeBatch over ~10k real sentences (SciFact abstracts, split at
 * sentence ends), batches of 32, maxLength 128 — a training step's tokenization.
 * Reports a cold pass (fresh tokenizer, empty chunk cache) and a warm pass (cache filled),
 * for a 30k vocabulary built from the same sentences and for the 400-token oracle vocab
 * (tiny vocab: many more pieces per word). Prints one JSON object.
 *
 * Input: $KALELAB_DATASETS/scifact/corpus.jsonl (default ../shared/datasets), or argv[2].
 * Run: npx tsx bench/text-tokenize.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildVocab, WordPieceTokenizer } from '../src/text/index.js';

const SENTENCES = 10_000;
const BATCH = 32;
const MAX_LENGTH = 128;

function loadSentences(path: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const doc = JSON.parse(line) as { title?: string; text?: string };
    for (const s of (doc.text ?? '').split(/(?<=[.!?])\s+/)) {
      if (s.length > 0) out.push(s);
      if (out.length >= SENTENCES) return out;
    }
  }
  return out;
}

function pass(
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
): { seconds: number; tokens: number } {
  let tokens = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = tokenizer.encodeBatch(texts.slice(i, i + BATCH), { maxLength: MAX_LENGTH });
    for (const n of batch.lengths) tokens += n;
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, tokens };
}

function measure(vocab: readonly string[], texts: readonly string[]): Record<string, number> {
  const tokenizer = new WordPieceTokenizer(vocab);
  const cold = pass(tokenizer, texts);
  const warm = pass(tokenizer, texts);
  return {
    vocabSize: vocab.length,
    tokens: cold.tokens,
    coldSeconds: +cold.seconds.toFixed(4),
    coldTokensPerSecond: Math.round(cold.tokens / cold.seconds),
    warmSeconds: +warm.seconds.toFixed(4),
    warmTokensPerSecond: Math.round(warm.tokens / warm.seconds),
    warmSentencesPerSecond: Math.round(texts.length / warm.seconds),
  };
}

const datasets = process.env['KALELAB_DATASETS'] ?? '../shared/datasets';
const path = process.argv[2] ?? join(datasets, 'scifact', 'corpus.jsonl');
const texts = loadSentences(path);
const chars = texts.reduce((n, t) => n + t.length, 0);
const t0 = process.hrtime.bigint();
const built = buildVocab(texts, { size: 30_522 });
const buildSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const oracleVocab = readFileSync(
  new URL('../test/fixtures/text/vocab.txt', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line, i, all) => i < all.length - 1 || line !== '');

console.log(
  JSON.stringify({
    input: path,
    sentences: texts.length,
    chars,
    batch: BATCH,
    maxLength: MAX_LENGTH,
    buildVocabSeconds: +buildSeconds.toFixed(3),
    built: measure(built, texts),
    oracle400: measure(oracleVocab, texts),
  }),
);
