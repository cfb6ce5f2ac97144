import { describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import type { RetrievalDataset } from '../../src/data/types.js';
import {
  trainInBackground,
  type BackgroundJob,
  type BackgroundRequest,
} from '../../src/experiment/background.js';
import { ensureDual } from '../../src/experiment/models.js';
import { artifactRef, isSealed, type ArtifactRef } from '../../src/experiment/cache.js';
import { loadDualEncoder, disposeDualEncoder, trainingTexts } from '../../src/train/index.js';
import { buildVocab, WordPieceTokenizer } from '../../src/text/index.js';
import type { BertConfig } from '../../src/model/index.js';
import { silentProgress, type ProgressEvent } from '../../src/util/index.js';
import { syntheticDataset, TINY_MODEL, TINY_TRAIN } from './synthetic-dataset.js';
import { withTempDir } from '../temp-dir.js';

async function weightsOf(dir: string): Promise<Map<string, Float32Array>> {
  const { dual } = await loadDualEncoder(dir);
  try {
    const out = new Map<string, Float32Array>();
    for (const [side, encoder] of [
      ['query', dual.query],
      ['passage', dual.passage],
    ] as const) {
      for (const [name, v] of encoder.weights)
        out.set(`${side}/${name}`, v.dataSync() as Float32Array);
    }
    return out;
  } finally {
    disposeDualEncoder(dual);
  }
}

interface Setup {
  readonly out: string;
  readonly dataset: RetrievalDataset;
  /** The cache entries of a model `name` (and its index) in folder `root`. */
  readonly refs: (name: string, root?: string) => { model: ArtifactRef; index: ArtifactRef };
  readonly tokenizer: WordPieceTokenizer;
  readonly config: BertConfig;
  /** A request for `jobs` on the synthetic task, tiny model, seed 7. */
  request(jobs: BackgroundJob[]): BackgroundRequest;
  /** A job for model `name` with the given depths, cached under the test's folder. */
  job(name: string, queryLayers: number, passageLayers: number): BackgroundJob;
}

/** A temporary workspace with the synthetic task's vocabulary written, removed afterwards. */
async function inWorkspace(test: (setup: Setup) => Promise<void>): Promise<void> {
  const backend = await initBackend({ prefer: 'wasm', announce: false });
  await withTempDir('background', async (out) => {
    const dataset = syntheticDataset();
    const vocab = join(out, 'vocab.txt');
    const tokenizer = new WordPieceTokenizer(buildVocab(trainingTexts(dataset), { size: 200 }));
    await tokenizer.saveVocab(vocab);
    const refs = (name: string, root = out) => ({
      model: artifactRef(root, 'models', name, { test: name }),
      index: artifactRef(root, 'index', name, { test: name }),
    });
    const config: BertConfig = { ...TINY_MODEL, vocabSize: tokenizer.vocab.length };
    await test({
      out,
      dataset,
      refs,
      tokenizer,
      config,
      job: (name, queryLayers, passageLayers) => ({
        name,
        queryLayers,
        passageLayers,
        ...refs(name),
      }),
      request: (jobs) => ({
        backend: backend.name,
        dataset,
        vocab,
        config,
        seed: 7,
        train: TINY_TRAIN,
        jobs,
      }),
    });
  });
}

describe('trainInBackground', () => {
  it('trains on a worker thread to the same weights as training in this thread', () =>
    inWorkspace(async ({ out, dataset, refs, job, tokenizer, config, request }) => {
      const events: ProgressEvent[] = [];
      const steps: string[] = [];
      const background = trainInBackground(
        {
          ...request([job('asym-q1', 1, 2)]),
          index: { maxLength: 16, pooling: 'mean', normalize: true },
        },
        {
          progress: (e) => events.push(e),
          onTrainStep: (model, record) => steps.push(`${model}:${record.step}`),
        },
      );
      await background.ready('asym-q1');
      await background.finished;
      expect(steps).toEqual(['asym-q1:1', 'asym-q1:2', 'asym-q1:3']);
      // The passage index was encoded on the worker too: the grid only loads it.
      expect(await readdir(refs('asym-q1').index.dir)).toContain('manifest.json');
      expect(await isSealed(refs('asym-q1').model)).toBe(true);
      expect(await isSealed(refs('asym-q1').index)).toBe(true);
      expect(events.some((e) => e.label === 'encode corpus asym-q1')).toBe(true);
      expect(events.filter((e) => e.label === 'train asym-q1').at(-1)).toMatchObject({
        done: 3,
        total: 3,
      });

      const here = refs('asym-q1', join(out, 'here')).model;
      const trained = await ensureDual(
        here,
        { config, queryLayers: 1, passageLayers: 2, seed: 7 },
        tokenizer,
        dataset,
        TINY_TRAIN,
        { progress: silentProgress },
      );
      disposeDualEncoder(trained.dual);
      const a = await weightsOf(refs('asym-q1').model.dir);
      const b = await weightsOf(here.dir);
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [name, values] of a) expect(values, name).toEqual(b.get(name));
    }));

  it('rejects a job whose training fails, with the reason, and goes on with the next', () =>
    inWorkspace(async ({ request, job }) => {
      const background = trainInBackground(request([job('broken', 0, 2), job('asym-q1', 1, 2)]));
      await expect(background.ready('broken')).rejects.toThrow(/queryLayers must be an integer/);
      await background.ready('asym-q1');
      await expect(background.ready('nope')).rejects.toThrow(/no background job named "nope"/);
      await background.finished;
    }));

  it('lets the caller claim back a job the worker has not started', () =>
    inWorkspace(async ({ out, refs, request, job }) => {
      const background = trainInBackground(request([job('asym-q1', 1, 2), job('half-1', 1, 1)]));
      // The worker is still starting: nothing is taken yet, so the second job comes back.
      expect(background.claim('half-1')).toBe(true);
      expect(background.has('half-1')).toBe(false);
      expect(background.claim('half-1')).toBe(false);
      expect(background.claim('nope')).toBe(false);
      await background.ready('asym-q1');
      await background.finished;
      expect(await readdir(join(out, 'models'))).toEqual([basename(refs('asym-q1').model.dir)]);
    }));
});
