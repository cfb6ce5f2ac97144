/**
 * SIGKILL at seeded random moments and just before seeded random renames (inside the
 * atomic checkpoint writes) during dual-encoder training (src/train): every killed
 * and resumed run ends with the same losses and the same saved weights as an
 * uninterrupted run, and leaves no temporary file or folder behind.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { encoderFingerprint } from '../../src/model/index.js';
import { disposeDualEncoder, saveDualEncoder, trainDualEncoder } from '../../src/train/index.js';
import { silentProgress } from '../../src/util/index.js';
import { TINY_TRAIN, tinyDataset, tinyResumeDual, tinyTokenizer } from '../train/tiny-setup.js';
import { addCount } from '../counts.js';
import { useTempDir } from '../temp-dir.js';
import {
  childScript,
  killAndResume,
  killMoments,
  leftoverTemporaries,
  describeKills,
  renameKillPoints,
} from './harness.js';
import { countRenames } from './io-ops.js';

const script = childScript('train.ts');
const scratch = useTempDir('fault-train');
const SLEEP_MS = 120;
/** Steps × sleep: the span the kill moments are drawn from (setup and saving add to it). */
const WORK_MS = TINY_TRAIN.steps * SLEEP_MS * 1.5;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

/**
 * The uninterrupted run, in this process, with the child's checkpoints and final save (in
 * `dir`): what every killed and resumed run must end with, and how many renames it makes.
 */
async function uninterrupted(
  dir: string,
): Promise<{ expected: { losses: number[]; query: string; passage: string }; renames: number }> {
  const dataset = tinyDataset();
  const tokenizer = tinyTokenizer(dataset);
  const dual = tinyResumeDual(tokenizer);
  let r: Awaited<ReturnType<typeof trainDualEncoder>> | undefined;
  const renames = await countRenames(async () => {
    r = await trainDualEncoder(
      dual,
      tokenizer,
      dataset,
      { ...TINY_TRAIN, checkpointDir: join(dir, 'ckpt') },
      { progress: silentProgress },
    );
    await saveDualEncoder(join(dir, 'out', 'model'), dual, tokenizer);
  });
  const expected = {
    losses: r!.history.map((h) => h.loss),
    query: encoderFingerprint(dual.query),
    passage: encoderFingerprint(dual.passage),
  };
  disposeDualEncoder(dual);
  return { expected, renames };
}

it('training killed at random moments resumes to the uninterrupted result, no temporaries left', async (context) => {
  const { expected, renames } = await uninterrupted(join(scratch(), 'ref'));
  // before a random rename (mid-checkpoint: a file in place, the folder not yet swapped),
  // at a random moment, before another random rename
  const moments = [
    ...renameKillPoints(104, 1, renames),
    ...killMoments(101, 1, WORK_MS),
    ...renameKillPoints(105, 1, renames),
  ];
  const dir = join(scratch(), 'trial');
  const outcome = await killAndResume(
    script,
    [join(dir, 'ckpt'), join(dir, 'out'), String(SLEEP_MS)],
    moments,
  );
  const kills = outcome.kills;
  const got = JSON.parse(await readFile(join(dir, 'out', 'result.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  // Where the last run resumed from depends on where the kills landed; the result does not.
  const { resumedFrom: _resumedFrom, ...result } = got;
  expect(result, `kills at ${describeKills(moments)}`).toEqual(expected);
  expect(await leftoverTemporaries(dir)).toEqual([]);
  expect(kills).toBeGreaterThan(0);
  addCount(context, 'faults injected', kills);
  addCount(context, 'faults injected: training', kills);
});
