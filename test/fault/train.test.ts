/**
 * SIGKILL at seeded random moments during dual-encoder training (src/train): every killed
 * and resumed run ends with the same losses and the same saved weights as an
 * uninterrupted run, and leaves no temporary file or folder behind.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { encoderFingerprint } from '../../src/model/index.js';
import { createDualEncoder, disposeDualEncoder, trainDualEncoder } from '../../src/train/index.js';
import { silentProgress } from '../../src/util/index.js';
import { TINY_TRAIN, tinyConfig, tinyDataset, tinyTokenizer } from '../train/tiny-setup.js';
import { addCount } from '../counts.js';
import { useTempDir } from '../temp-dir.js';
import {
  childScript,
  killAndResume,
  killMoments,
  leftoverTemporaries,
  describeKills,
} from './harness.js';

const script = childScript('train.ts');
const scratch = useTempDir('fault-train');
const SLEEP_MS = 120;
/** Steps × sleep: the span the kill moments are drawn from (setup and saving add to it). */
const WORK_MS = TINY_TRAIN.steps * SLEEP_MS * 1.5;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

/** The uninterrupted run, in this process: what every killed and resumed run must end with. */
async function uninterrupted(): Promise<{ losses: number[]; query: string; passage: string }> {
  const dataset = tinyDataset();
  const tokenizer = tinyTokenizer(dataset);
  const dual = createDualEncoder({
    config: tinyConfig(tokenizer.vocab.length),
    queryLayers: 1,
    passageLayers: 2,
    seed: 3,
  });
  const r = await trainDualEncoder(dual, tokenizer, dataset, {
    ...TINY_TRAIN,
    progress: silentProgress,
  });
  const out = {
    losses: r.history.map((h) => h.loss),
    query: encoderFingerprint(dual.query),
    passage: encoderFingerprint(dual.passage),
  };
  disposeDualEncoder(dual);
  return out;
}

it('training killed at random moments resumes to the uninterrupted result, no temporaries left', async (context) => {
  const expected = await uninterrupted();
  const moments = killMoments(101, 3, WORK_MS);
  const dir = scratch();
  const outcome = await killAndResume(
    script,
    [join(dir, 'ckpt'), join(dir, 'out'), String(SLEEP_MS)],
    moments,
  );
  const kills = outcome.kills;
  const got = JSON.parse(await readFile(join(dir, 'out', 'result.json'), 'utf8')) as unknown;
  expect(got, `kills at ${describeKills(moments)}`).toEqual(expected);
  expect(await leftoverTemporaries(dir)).toEqual([]);
  expect(kills).toBeGreaterThan(0);
  addCount(context, 'faults injected', kills);
  addCount(context, 'faults injected: training', kills);
});
