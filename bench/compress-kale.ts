/**
 * A small KALE experiment (not a test): prune a query encoder to 1 and 2 layers, align it to
 * the unpruned one on real queries with each loss, and measure on held-out queries how close
 * the student gets to the teacher — KL (T = 10), L2 distance, cosine — and how much of the
 * teacher's top-10 over a passage index (encoded once by the teacher, never touched: checked
 * by fingerprint) the student's queries retrieve. Prints one JSON object.
 *
 *   npx tsx bench/compress-kale.ts [--steps 150] [--keep 1,2] [--losses kl,mse,cosine,kl+mse]
 *
 * Inputs: queries and passages from `$KALELAB_DATASETS/scifact` (default ../shared/datasets);
 * teachers: `$KALELAB_ORACLE/encoder/small` (default ../shared/oracle; 6 layers, H = 64,
 * BERT init std 0.02) and a random 6-layer encoder with init std 0.2 ("strong"), whose layers
 * are far from linear, so pruning costs more.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import {
  alignQueryEncoder,
  kaleKlLoss,
  pruneQueryEncoder,
  type AlignmentLossName,
} from '../src/compress/index.js';
import {
  createEncoder,
  disposeEncoder,
  embed,
  loadEncoder,
  toTokenBatch,
  type Encoder,
} from '../src/model/index.js';
import { searchTopK } from '../src/retrieval/search.js';
import { WordPieceTokenizer, buildVocab } from '../src/text/index.js';
import { Random, lineProgress } from '../src/util/index.js';
import { argValue, numberArg } from './lib/args.js';

const steps = numberArg('steps', 150);
const keeps = (argValue('keep') ?? '1,2').split(',').map(Number);
const losses = (argValue('losses') ?? 'kl,mse,cosine,kl+mse').split(',') as AlignmentLossName[];
const datasets = process.env['KALELAB_DATASETS'] ?? '../shared/datasets';
const oracle = process.env['KALELAB_ORACLE'] ?? '../shared/oracle';

const backend = await initBackend({ announce: false });

async function readJsonl(path: string, limit: number): Promise<Array<Record<string, string>>> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  return lines.slice(0, limit).map((l) => JSON.parse(l) as Record<string, string>);
}

const allQueries = (await readJsonl(join(datasets, 'scifact', 'queries.jsonl'), 100_000)).map(
  (q) => q['text']!,
);
const passages = (await readJsonl(join(datasets, 'scifact', 'corpus.jsonl'), 1000)).map(
  (d) => `${d['title']} ${d['text']}`,
);
const order = new Random(1).shuffle(allQueries);
const heldOut = order.slice(0, 200);
const train = order.slice(200);

/** Pooled CLS vectors of `texts`, in batches, as one host array [N·H]. */
function encode(
  encoder: Encoder,
  tok: WordPieceTokenizer,
  texts: readonly string[],
  maxLength: number,
): Float32Array {
  const H = encoder.config.hiddenSize;
  const out = new Float32Array(texts.length * H);
  for (let i = 0; i < texts.length; i += 64) {
    const v = tf.tidy(() =>
      embed(encoder, toTokenBatch(tok.encodeBatch(texts.slice(i, i + 64), { maxLength })), 'cls'),
    );
    out.set(v.dataSync() as Float32Array, i * H);
    v.dispose();
  }
  return out;
}

interface Gap {
  kl: number;
  l2: number;
  cosine: number;
  top10Overlap: number;
}

function measure(
  student: Float32Array,
  teacher: Float32Array,
  index: Float32Array,
  H: number,
): Gap {
  const n = student.length / H;
  const r = tf.tidy(() => {
    const s = tf.tensor2d(student, [n, H]);
    const t = tf.tensor2d(teacher, [n, H]);
    const kl = kaleKlLoss(s, t, { temperature: 10 }).dataSync()[0]!;
    const l2 = tf.mean(tf.norm(tf.sub(s, t), 'euclidean', -1)).dataSync()[0]!;
    const cos = tf
      .mean(
        tf.sum(tf.mul(tf.div(s, tf.norm(s, 2, -1, true)), tf.div(t, tf.norm(t, 2, -1, true))), -1),
      )
      .dataSync()[0]!;
    return { kl, l2, cosine: cos };
  });
  const a = searchTopK(student, index, H, 10).indices;
  const b = searchTopK(teacher, index, H, 10).indices;
  let overlap = 0;
  for (let q = 0; q < n; q++) {
    const want = new Set(b.subarray(q * 10, q * 10 + 10));
    for (const d of a.subarray(q * 10, q * 10 + 10)) if (want.has(d)) overlap++;
  }
  return { ...r, top10Overlap: overlap / (n * 10) };
}

const round = (x: number): number => Number(x.toPrecision(4));
const roundGap = (g: Gap): Gap => ({
  kl: round(g.kl),
  l2: round(g.l2),
  cosine: round(g.cosine),
  top10Overlap: round(g.top10Overlap),
});

async function teachers(): Promise<
  Array<{ name: string; encoder: Encoder; tokenizer: WordPieceTokenizer }>
> {
  const out: Array<{ name: string; encoder: Encoder; tokenizer: WordPieceTokenizer }> = [];
  const small = await loadEncoder(join(oracle, 'encoder', 'small'));
  out.push({ name: 'oracle-small (std 0.02)', encoder: small.encoder, tokenizer: small.tokenizer });
  const tokenizer = new WordPieceTokenizer(buildVocab(train, { size: 2000 }));
  const encoder = createEncoder(
    {
      vocabSize: tokenizer.vocab.length,
      hiddenSize: 64,
      numHiddenLayers: 6,
      numAttentionHeads: 4,
      intermediateSize: 128,
      maxPositionEmbeddings: 64,
      typeVocabSize: 2,
      layerNormEps: 1e-12,
      initializerRange: 0.2,
    },
    11,
  );
  out.push({ name: 'random-strong (std 0.2)', encoder, tokenizer });
  return out;
}

const rows: unknown[] = [];
const t0 = performance.now();
for (const { name, encoder: teacher, tokenizer } of await teachers()) {
  const H = teacher.config.hiddenSize;
  const index = encode(teacher, tokenizer, passages, 64); // the passage index, built once
  const indexPrint = (): string =>
    createHash('sha256').update(new Uint8Array(index.buffer)).digest('hex').slice(0, 16);
  const teacherHeld = encode(teacher, tokenizer, heldOut, 32);
  for (const keep of keeps) {
    for (const loss of losses) {
      const { encoder: student, keptLayers } = pruneQueryEncoder(teacher, keep);
      const before = measure(encode(student, tokenizer, heldOut, 32), teacherHeld, index, H);
      const result = await alignQueryEncoder(
        teacher,
        student,
        train,
        tokenizer,
        { loss, steps, batchSize: 64, lr: 1e-3 },
        { indexFingerprint: indexPrint, progress: lineProgress(10_000) },
      );
      const after = measure(encode(student, tokenizer, heldOut, 32), teacherHeld, index, H);
      const h = result.history;
      rows.push({
        teacher: name,
        keptLayers,
        loss,
        steps: result.steps,
        seconds: round(result.seconds),
        trainLoss: {
          first: round(h[0]!),
          mid: round(h[Math.floor(h.length / 2)]!),
          last: round(h[h.length - 1]!),
        },
        heldOutBefore: roundGap(before),
        heldOutAfter: roundGap(after),
      });
      process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
      disposeEncoder(student);
    }
  }
  disposeEncoder(teacher);
}

process.stdout.write(
  JSON.stringify(
    {
      backend: backend.name,
      threads: backend.threads,
      queries: { train: train.length, heldOut: heldOut.length },
      passages: passages.length,
      options: { steps, batchSize: 64, lr: 1e-3, objective: 'reference', temperature: 10 },
      seconds: round((performance.now() - t0) / 1000),
      rows,
    },
    null,
    2,
  ) + '\n',
);
