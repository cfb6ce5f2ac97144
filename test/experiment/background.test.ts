import { describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import type { RetrievalDataset } from '../../src/data/types.js';
import {
  trainInBackground,
  type BackgroundJob,
  type BackgroundRequest,
} from '../../src/experiment/background.js';
import { ensureDual } from '../../src/experiment/models.js';
import { workspace, type Workspace } from '../../src/experiment/workspace.js';
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
  readonly ws: Workspace;
  readonly tokenizer: WordPieceTokenizer;
  readonly config: BertConfig;
  /** A request for `jobs` on the synthetic task, tiny model, seed 7. */
  request(jobs: BackgroundJob[]): BackgroundRequest;
}

/** A temporary workspace with the synthetic task's vocabulary written, removed afterwards. */
async function inWorkspace(test: (setup: Setup) => Promise<void>): Promise<void> {
  const backend = await initBackend({ prefer: 'wasm', announce: false });
  await withTempDir('background', async (out) => {
    const dataset = syntheticDataset();
    const ws = workspace(out, dataset.name);
    const tokenizer = new WordPieceTokenizer(buildVocab(trainingTexts(dataset), { size: 200 }));
    await tokenizer.saveVocab(ws.vocab);
    const config: BertConfig = { ...TINY_MODEL, vocabSize: tokenizer.vocab.length };
    await test({
      out,
      dataset,
      ws,
      tokenizer,
      config,
      request: (jobs) => ({
        backend: backend.name,
        out,
        dataset,
        vocab: ws.vocab,
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
    inWorkspace(async ({ out, dataset, ws, tokenizer, config, request }) => {
      const events: ProgressEvent[] = [];
      const steps: string[] = [];
      const background = trainInBackground(
        {
          ...request([{ name: 'asym-q1', queryLayers: 1, passageLayers: 2 }]),
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
      expect(await readdir(ws.index('asym-q1'))).toContain('manifest.json');
      expect(events.some((e) => e.label === 'encode corpus asym-q1')).toBe(true);
      expect(events.filter((e) => e.label === 'train asym-q1').at(-1)).toMatchObject({
        done: 3,
        total: 3,
      });

      const here = workspace(join(out, 'here'), dataset.name);
      const trained = await ensureDual(
        here,
        'asym-q1',
        { config, queryLayers: 1, passageLayers: 2, seed: 7 },
        tokenizer,
        dataset,
        { ...TINY_TRAIN, progress: silentProgress },
      );
      disposeDualEncoder(trained.dual);
      const a = await weightsOf(ws.model('asym-q1'));
      const b = await weightsOf(here.model('asym-q1'));
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [name, values] of a) expect(values, name).toEqual(b.get(name));
    }));

  it('rejects a job whose training fails, with the reason, and goes on with the next', () =>
    inWorkspace(async ({ request }) => {
      const background = trainInBackground(
        request([
          { name: 'broken', queryLayers: 0, passageLayers: 2 },
          { name: 'asym-q1', queryLayers: 1, passageLayers: 2 },
        ]),
      );
      await expect(background.ready('broken')).rejects.toThrow(/queryLayers must be an integer/);
      await background.ready('asym-q1');
      await expect(background.ready('nope')).rejects.toThrow(/no background job named "nope"/);
      await background.finished;
    }));

  it('lets the caller claim back a job the worker has not started', () =>
    inWorkspace(async ({ ws, request }) => {
      const background = trainInBackground(
        request([
          { name: 'asym-q1', queryLayers: 1, passageLayers: 2 },
          { name: 'half-1', queryLayers: 1, passageLayers: 1 },
        ]),
      );
      // The worker is still starting: nothing is taken yet, so the second job comes back.
      expect(background.claim('half-1')).toBe(true);
      expect(background.has('half-1')).toBe(false);
      expect(background.claim('half-1')).toBe(false);
      expect(background.claim('nope')).toBe(false);
      await background.ready('asym-q1');
      await background.finished;
      expect((await readdir(join(ws.root, 'models'))).sort()).toEqual(['asym-q1']);
    }));
});
