import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import type { ResultRow, RetrievalDataset } from '../../src/data/types.js';
import { readRun } from '../../src/eval/index.js';
import { gridOptions, runGrid, type GridOptions } from '../../src/experiment/index.js';
import {
  disposeEncoder,
  embedTexts,
  loadEncoder,
  pruneLayers,
  type Encoder,
} from '../../src/model/index.js';
import type { WordPieceTokenizer } from '../../src/text/index.js';
import { disposeDualEncoder, loadDualEncoder, passageText } from '../../src/train/index.js';
import { openIndex, readManifest } from '../../src/retrieval/index.js';
import { silentProgress } from '../../src/util/index.js';
import { syntheticDataset, TINY_GRID, TINY_MODEL, TOPIC_WORDS } from './synthetic-dataset.js';
import { withTempDir } from '../temp-dir.js';

/** Every method: a 3-layer full model pruned to 1 and 2, three losses, asym, asym+kale. */
const every = gridOptions('quick', {
  ...TINY_GRID,
  model: { ...TINY_MODEL, numHiddenLayers: 3 },
  queryDepths: [1, 2],
  alignLosses: ['kl', 'mse', 'cosine'],
});

/** The one folder under `dir` whose name starts with `name-` (the cache's naming). */
async function artifact(dir: string, name: string): Promise<string> {
  const found = (await readdir(dir)).filter((f) => f.startsWith(`${name}-`));
  expect(found, `${dir}/${name}-*`).toHaveLength(1);
  return join(dir, found[0]!);
}

/**
 * Per-query reciprocal rank (cut at 10) of `query` against the corpus encoded by
 * `passage`, by hand: mean-pooled unit vectors (the quick preset's), exhaustive dot
 * products, the relevant document's rank; in the test split's query order.
 */
function reciprocalRanks(
  query: Encoder,
  passage: Encoder,
  tokenizer: WordPieceTokenizer,
  dataset: RetrievalDataset,
): number[] {
  const ids = Object.keys(dataset.corpus);
  const embed = (e: Encoder, texts: string[]) =>
    embedTexts(e, tokenizer, texts, { maxLength: 16, pooling: 'mean', normalize: true });
  const P = embed(
    passage,
    ids.map((id) => passageText(dataset.corpus[id]!)),
  ); // [N·H]
  const test = dataset.splits.test!;
  const qids = Object.keys(test.queries);
  const Q = embed(
    query,
    qids.map((id) => test.queries[id]!.text),
  ); // [M·H]
  const H = query.config.hiddenSize;
  return qids.map((qid, i) => {
    const scores = ids.map((_, d) => {
      let s = 0;
      for (let h = 0; h < H; h++) s += Q[i * H + h]! * P[d * H + h]!;
      return s;
    });
    const relevant = ids.indexOf(Object.keys(test.qrels[qid]!)[0]!);
    const rank = 1 + scores.filter((s) => s > scores[relevant]!).length;
    return rank <= 10 ? 1 / rank : 0;
  });
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** MRR@10 by hand (see reciprocalRanks). */
function mrrAt10(
  query: Encoder,
  passage: Encoder,
  tokenizer: WordPieceTokenizer,
  dataset: RetrievalDataset,
): number {
  return mean(reciprocalRanks(query, passage, tokenizer, dataset));
}

/**
 * The exact two-sided paired randomization p-value of b − a: every one of the 2^n sign
 * assignments of the differences, the share whose |mean| reaches the observed one.
 */
function exactRandomizationP(a: readonly number[], b: readonly number[]): number {
  const d = a.map((x, i) => b[i]! - x);
  const observed = Math.abs(mean(d));
  let hits = 0;
  for (let mask = 0; mask < 2 ** d.length; mask++) {
    const flipped = d.map((x, i) => ((mask >> i) & 1 ? -x : x));
    if (Math.abs(mean(flipped)) >= observed * (1 - 1e-12)) hits++;
  }
  return hits / 2 ** d.length;
}

describe('runGrid', () => {
  it('runs every method; each row matches an independent evaluation of its saved encoders', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('grid', async (out) => {
      const dataset = syntheticDataset();
      const before = tf.memory().numTensors;
      const written: ResultRow[] = [];
      const rows = await runGrid(
        dataset,
        every,
        { out },
        { progress: silentProgress, onRow: (r) => void written.push(r) },
      );
      expect(rows.map((r) => `${r.method}:${r.queryLayers}/${r.passageLayers}`)).toEqual([
        'bm25:0/0',
        'full:3/3',
        'pruned:1/3',
        'kale-kl:1/3',
        'kale-mse:1/3',
        'kale-cosine:1/3',
        'pruned:2/3',
        'kale-kl:2/3',
        'kale-mse:2/3',
        'kale-cosine:2/3',
        'half-depth:1/1',
        'asym:1/3',
        'asym:2/3',
        'asym+kale:1/3',
      ]);
      expect(written).toEqual(rows);
      expect(tf.memory().numTensors).toBe(before);
      const id = (r: ResultRow) =>
        ({
          bm25: 'bm25',
          full: 'full',
          'half-depth': 'half-depth',
        })[r.method as string] ?? `${r.method}-q${r.queryLayers}`;
      const byId = new Map(rows.map((r) => [id(r), r]));
      const main = (rowId: string) => byId.get(rowId)!.metrics['mrr@10']!;
      // BM25 finds the document that shares both topic words.
      expect(main('bm25')).toBeGreaterThan(0.9);

      const root = join(out, 'synthetic');
      const dual = async (name: string) =>
        loadDualEncoder(await artifact(join(root, 'models'), name));
      const full = await dual('full');
      const half = await dual('half-1');
      const asym1 = await dual('asym-q1');
      const asym2 = await dual('asym-q2');
      const tok = full.tokenizer;
      const aligned = async (name: string) =>
        (await loadEncoder(await artifact(join(root, 'aligned'), name))).encoder;
      const perQuery = new Map<string, number[]>();
      const check = async (rowId: string, query: Encoder, passage: Encoder, free = false) => {
        const rr = reciprocalRanks(query, passage, tok, dataset);
        perQuery.set(rowId, rr);
        expect(main(rowId), rowId).toBeCloseTo(mean(rr), 6);
        if (free) disposeEncoder(query);
      };
      try {
        await check('full', full.dual.query, full.dual.passage);
        await check('pruned-q1', pruneLayers(full.dual.query, [0]), full.dual.passage, true);
        await check('pruned-q2', pruneLayers(full.dual.query, [0, 2]), full.dual.passage, true);
        for (const loss of ['kl', 'mse', 'cosine']) {
          await check(
            `kale-${loss}-q1`,
            await aligned(`full-keep0-${loss}`),
            full.dual.passage,
            true,
          );
          await check(
            `kale-${loss}-q2`,
            await aligned(`full-keep0.2-${loss}`),
            full.dual.passage,
            true,
          );
        }
        await check('half-depth', half.dual.query, half.dual.passage);
        await check('asym-q1', asym1.dual.query, asym1.dual.passage);
        await check('asym-q2', asym2.dual.query, asym2.dual.passage);
        // asym+kale at 1: the 2-layer asymmetric query encoder kept at [0], aligned, searching
        // the asym-q2 index.
        await check('asym+kale-q1', await aligned('asym-q2-keep0-kl'), asym2.dual.passage, true);
        // Recovery against the unaligned student, which for asym+kale is no row of its own.
        const student = pruneLayers(asym2.dual.query, [0]);
        const asymPruned = mrrAt10(student, asym2.dual.passage, tok, dataset);
        disposeEncoder(student);
        const expectRecovery = (rowId: string, teacher: number, pruned: number) => {
          const value = byId.get(rowId)!.recovery;
          if (teacher > pruned)
            expect(value, rowId).toBeCloseTo((main(rowId) - pruned) / (teacher - pruned), 3);
          else expect(value, rowId).toBeNull();
        };
        for (const k of [1, 2])
          for (const loss of ['kl', 'mse', 'cosine'])
            expectRecovery(`kale-${loss}-q${k}`, main('full'), main(`pruned-q${k}`));
        expectRecovery('asym+kale-q1', main('asym-q2'), asymPruned);
        // Each row's comparison against its planned counterpart: the delta of the by-hand
        // per-query scores, and a Monte Carlo p within 4 standard errors (+ the p floor of
        // 1/10001) of the exact enumeration over the 12 test queries.
        const against: Record<string, string | null> = {
          bm25: null,
          full: null,
          'pruned-q1': 'full',
          'pruned-q2': 'full',
          ...Object.fromEntries(
            ['kl', 'mse', 'cosine'].flatMap((l) => [
              [`kale-${l}-q1`, 'pruned-q1'],
              [`kale-${l}-q2`, 'pruned-q2'],
            ]),
          ),
          'half-depth': 'full',
          'asym-q1': 'full',
          'asym-q2': 'full',
          'asym+kale-q1': 'asym-q2',
        };
        expect(Object.keys(against).sort()).toEqual([...byId.keys()].sort());
        let tested = 0;
        for (const [rowId, otherId] of Object.entries(against)) {
          const c = byId.get(rowId)!.comparison;
          if (otherId === null) {
            expect(c, rowId).toBeNull();
            continue;
          }
          const other = byId.get(otherId)!;
          expect(c, rowId).toMatchObject({
            against: other.method,
            againstQueryLayers: other.queryLayers,
            metric: 'mrr@10',
            test: 'randomization',
            queries: 12,
          });
          const mine = perQuery.get(rowId)!;
          const theirs = perQuery.get(otherId)!;
          expect(c!.delta, rowId).toBeCloseTo(mean(mine) - mean(theirs), 9);
          const exact = exactRandomizationP(theirs, mine);
          const slack = 4 * Math.sqrt((exact * (1 - exact)) / 10_000) + 1 / 10_001;
          expect(
            Math.abs(c!.pValue - exact),
            `${rowId}: p ${c!.pValue} vs exact ${exact}`,
          ).toBeLessThanOrEqual(slack);
          if (exact < 1) tested++;
        }
        // Not every pair is identical: some p-values test a real difference.
        expect(tested).toBeGreaterThan(0);
      } finally {
        for (const d of [full, half, asym1, asym2]) disposeDualEncoder(d.dual);
      }
      for (const r of rows) {
        if (r.method === 'bm25') continue;
        const latency = byId.get('full')!.latencyMs!.batch1;
        expect(r.speedup, id(r)).toBeCloseTo(latency / r.latencyMs!.batch1, 2);
      }
      expect(byId.get('pruned-q2')!.keptLayers).toEqual([0, 2]);
      expect(byId.get('asym+kale-q1')!.keptLayers).toEqual([0]);
      expect(byId.get('kale-mse-q1')!.trainSteps).toBe(2);
      expect(byId.get('asym-q1')!.trainSteps).toBe(3);
      expect(byId.get('pruned-q1')!.trainSteps).toBe(0);
      // Each row's TREC run is kept next to results, and is the run the row was scored on.
      const runs = await readdir(join(out, 'runs', 'synthetic'));
      expect(runs.sort()).toEqual([...byId.keys()].map((k) => `${k}.trec`).sort());
      const fullRun = await readRun(join(out, 'runs', 'synthetic', 'full.trec'));
      expect(Object.keys(fullRun).sort()).toEqual(Object.keys(dataset.splits.test!.qrels).sort());
      expect(await readdir(join(root, 'checkpoints'))).toEqual([]);

      // A rerun makes nothing: no training or alignment step, the same rows.
      const steps: string[] = [];
      const again = await runGrid(
        dataset,
        every,
        { out },
        {
          progress: silentProgress,
          onTrainStep: (m) => steps.push(m),
          onAlignStep: (m) => steps.push(m),
        },
      );
      expect(steps).toEqual([]);
      expect(again).toEqual(rows);

      // Comparisons read the per-query scores saved with each evaluation; an evaluation
      // cached without them is scored again from its run.trec, to the same comparison.
      const evals = await readdir(join(root, 'evals'));
      for (const e of evals) {
        const saved = JSON.parse(
          await readFile(join(root, 'evals', e, 'main-per-query.json'), 'utf8'),
        );
        expect(Object.keys(saved).length, e).toBe(12);
        await rm(join(root, 'evals', e, 'main-per-query.json'));
      }
      await rm(join(root, 'rows'), { recursive: true });
      const rescored = await runGrid(dataset, every, { out }, { progress: silentProgress });
      const tested = (rs: ResultRow[]) => rs.map((r) => ({ m: r.metrics, c: r.comparison }));
      expect(tested(rescored)).toEqual(tested(rows)); // latency is measured anew
    });
  });

  it('after a changed option remakes exactly what depends on it, keeping the old artifacts', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('grid', async (out) => {
      const dataset = syntheticDataset();
      const small: GridOptions = { ...every, asymmetric: false, alignLosses: ['kl'] };
      const run = async (options: GridOptions) => {
        const made = new Set<string>();
        const rows = await runGrid(
          dataset,
          options,
          { out },
          {
            progress: silentProgress,
            onTrainStep: (m) => made.add(`train ${m}`),
            onAlignStep: (m) => made.add(`align ${m}`),
          },
        );
        return { rows, made: [...made].sort() };
      };
      const rowsMade = async () => (await readdir(join(out, 'synthetic', 'rows'))).sort();
      const first = await run(small);
      expect(first.made).toEqual([
        'align full-keep0-kl',
        'align full-keep0.2-kl',
        'train full',
        'train half-1',
      ]);
      const firstRows = await rowsMade();
      expect(firstRows).toHaveLength(7); // bm25, full, 2 × (pruned, kale-kl), half-depth
      // KALE's learning rate: only the aligned encoders and their two rows are made anew.
      const kale = await run({ ...small, kale: { ...small.kale, lr: 5e-4 } });
      expect(kale.made).toEqual(['align full-keep0-kl', 'align full-keep0.2-kl']);
      const kaleRows = await rowsMade();
      expect(kaleRows.filter((r) => !firstRows.includes(r)).map((r) => r.slice(0, -17))).toEqual([
        'kale-kl-q1',
        'kale-kl-q2',
      ]);
      expect(kale.rows.filter((r) => !r.method.startsWith('kale'))).toEqual(
        first.rows.filter((r) => !r.method.startsWith('kale')),
      );
      // A training option: every trained model (all share it) and every row made from one,
      // BM25 not.
      const train = await run({ ...small, train: { ...small.train, lr: 5e-4 } });
      expect(train.made).toEqual(first.made);
      const trainRows = await rowsMade();
      expect(trainRows.filter((r) => !kaleRows.includes(r)).map((r) => r.slice(0, -17))).toEqual([
        'full',
        'half-depth',
        'kale-kl-q1',
        'kale-kl-q2',
        'pruned-q1',
        'pruned-q2',
      ]);
      expect(train.rows[0]).toEqual(first.rows[0]);
      // How often progress is logged changes no number: nothing is made.
      const quiet = await run({ ...small, train: { ...small.train, lr: 5e-4, logEvery: 7 } });
      expect(quiet.made).toEqual([]);
      expect(quiet.rows).toEqual(train.rows);
      expect(await rowsMade()).toEqual(trainRows);
      // The old artifacts are still there, under their own keys.
      const models = await readdir(join(out, 'synthetic', 'models'));
      expect(models.filter((m) => m.startsWith('full-'))).toHaveLength(2);
      expect(models.filter((m) => m.startsWith('half-1-'))).toHaveLength(2);
      // A changed dataset (one more document) is another dataset: everything is made again.
      const base = syntheticDataset();
      const grown = { ...base, corpus: { ...base.corpus, extra: { title: '', text: 'a note' } } };
      const steps: string[] = [];
      await runGrid(
        grown,
        small,
        { out },
        { progress: silentProgress, onTrainStep: (m) => steps.push(m) },
      );
      expect(new Set(steps)).toEqual(new Set(['full', 'half-1']));
    });
  });

  it('starts from-scratch models from word vectors when asked, and says how many tokens it covered', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('grid', async (out) => {
      // 16-d vectors for the ten topic words: one-hot-like, far from a random init.
      const words = TOPIC_WORDS;
      const vectorsFile = join(out, 'vectors.txt');
      await writeFile(
        vectorsFile,
        words
          .map((w, i) => [w, ...Array.from({ length: 16 }, (_, d) => (d === i ? 1 : 0))].join(' '))
          .join('\n') + '\n',
      );
      const lines: string[] = [];
      const tiny = gridOptions('quick', TINY_GRID);
      await runGrid(
        syntheticDataset(),
        { ...tiny, asymmetric: false, halfDepth: false, wordVectors: vectorsFile },
        { out },
        { progress: silentProgress, log: (line) => lines.push(line) },
      );
      const root = join(out, 'synthetic');
      const vocabLines = (
        await readFile(join(await artifact(join(root, 'vocab'), 'vocab'), 'vocab.txt'), 'utf8')
      )
        .split('\n')
        .filter((l) => l.length > 0).length;
      expect(lines).toContain(
        `synthetic: word embeddings from ${vectorsFile}: 10 of ${vocabLines} tokens`,
      );
      const { dual, tokenizer } = await loadDualEncoder(
        await artifact(join(root, 'models'), 'full'),
      );
      try {
        const table = dual.query.weights.get('embeddings.word_embeddings.weight')!;
        const H = table.shape[1]!;
        const values = table.dataSync() as Float32Array;
        words.forEach((w, i) => {
          const at = tokenizer.vocab.indexOf(w);
          const row = values.subarray(at * H, (at + 1) * H);
          // 3 small training steps later the row still points along its word's axis.
          expect(row[i]! / Math.hypot(...row), w).toBeGreaterThan(0.9);
        });
      } finally {
        disposeDualEncoder(dual);
      }
    });
  });
});

describe('runGrid on ONNX Runtime and on tfjs', () => {
  it('trains the same models, encodes within 1e-4, and scores the same metrics', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('grid', async (out) => {
      const dataset = syntheticDataset();
      const small = gridOptions('quick', { ...TINY_GRID, asymmetric: false, halfDepth: false });
      const run = async (engine: GridOptions['engine']) => {
        const trained: string[] = [];
        const aligned: string[] = [];
        const lines: string[] = [];
        const rows = await runGrid(
          dataset,
          { ...small, engine },
          { out },
          {
            progress: silentProgress,
            log: (line) => lines.push(line),
            onTrainStep: (m) => trained.push(m),
            onAlignStep: (m) => aligned.push(m),
          },
        );
        return { rows, trained: [...new Set(trained)], aligned: [...new Set(aligned)], lines };
      };
      const tfjs = await run('tfjs');
      const ort = await run('onnxruntime');
      expect(tfjs.lines).toContain('synthetic: inference on tfjs');
      expect(ort.lines).toContain('synthetic: inference on onnxruntime');
      // Training is tfjs either way: the models' keys do not hold the engine, nothing retrains.
      expect(tfjs.trained.sort()).toEqual(['full']);
      expect(ort.trained).toEqual([]);
      // KALE's teacher targets run on the engine: the aligned encoder is made anew.
      expect(ort.aligned).toEqual(['full-keep0-kl']);
      const root = join(out, 'synthetic');
      const indexes = (await readdir(join(root, 'index'))).sort();
      expect(indexes).toHaveLength(2); // full-<tfjs key>, full-<ort key>
      const vectors = async (dir: string) => {
        const manifest = await readManifest(join(root, 'index', dir));
        return (await openIndex(join(root, 'index', dir), manifest.fingerprint)).vectors;
      };
      const [a, b] = [await vectors(indexes[0]!), await vectors(indexes[1]!)];
      expect(a.length).toBe(b.length);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      expect(worst).toBeLessThan(1e-4);
      expect(worst).toBeGreaterThan(0); // two engines really ran
      // Same rows, same metrics; latency on each row's own engine.
      expect(ort.rows.map((r) => r.method)).toEqual(tfjs.rows.map((r) => r.method));
      ort.rows.forEach((r, i) => {
        const t = tfjs.rows[i]!;
        for (const [name, value] of Object.entries(t.metrics)) {
          expect(r.metrics[name], `${r.method}-q${r.queryLayers} ${name}`).toBeCloseTo(value, 9);
        }
        if (r.method === 'bm25') return;
        expect(t.latencyMs).toMatchObject({ engine: 'tfjs', int8Batch1: null });
        expect(t.latencyMs!.tfjsBatch1).toBe(t.latencyMs!.batch1);
        expect(t.speedupInt8).toBeNull();
        expect(r.latencyMs!.engine).toBe('onnxruntime');
        expect(r.latencyMs!.int8Batch1).toBeGreaterThan(0);
        expect(r.latencyMs!.tfjsBatch1).toBeGreaterThan(0);
        const fullMs = ort.rows.find((x) => x.method === 'full')!.latencyMs!.batch1;
        expect(r.speedupInt8).toBeCloseTo(fullMs / r.latencyMs!.int8Batch1!, 2);
      });
    });
  });
});
