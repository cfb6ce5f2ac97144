/**
 * SIGKILL during corpus encoding (src/retrieval/index-store.ts), before seeded random
 * file-system operations (between the steps of every atomic write) and at seeded random
 * moments: the resumed index equals an uninterrupted one, and the folder holds only the
 * manifest and the shards — no temporary file.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { encodeCorpus } from '../../src/retrieval/index.js';
import { addCount } from '../counts.js';
import { useTempDir } from '../temp-dir.js';
import {
  childScript,
  describeKills,
  ioCount,
  ioKillPoints,
  renameCount,
  renameKillPoints,
  killAndResume,
  killMoments,
  leftoverTemporaries,
  listFiles,
  runChild,
} from './harness.js';

const script = childScript('encode-corpus.ts');
const scratch = useTempDir('fault-encode');
const SLEEP_MS = 25;
const SHARDS = Math.ceil(50 / 7);
const INDEX_FILES = [
  'manifest.json',
  ...Array.from({ length: SHARDS }, (_, s) => [`shard-0000${s}.f32`, `shard-0000${s}.json`]).flat(),
].sort();

it('encoding killed before random file operations and at random moments resumes to the same index', async (context) => {
  const ref = join(scratch(), 'ref');
  const straight = await runChild(script, [join(ref, 'index'), join(ref, 'out'), String(SLEEP_MS)]);
  const expected = await readFile(join(ref, 'out', 'result.json'), 'utf8');
  const ops = ioCount(straight);
  expect(await listFiles(join(ref, 'index'))).toEqual(INDEX_FILES);

  // One trial: killed before random renames, before random file operations, at a random moment.
  const trials = [
    [
      ...renameKillPoints(304, 2, renameCount(straight)),
      ...ioKillPoints(301, 2, ops),
      ...killMoments(303, 1, straight.workMs),
    ],
  ];
  let kills = 0;
  for (const [t, points] of trials.entries()) {
    const dir = join(scratch(), `trial-${t}`);
    const outcome = await killAndResume(
      script,
      [join(dir, 'index'), join(dir, 'out'), String(SLEEP_MS)],
      points,
    );
    kills += outcome.kills;
    const why = `trial ${t}: kills at ${describeKills(points)}`;
    expect(await readFile(join(dir, 'out', 'result.json'), 'utf8'), why).toBe(expected);
    const left = await leftoverTemporaries(join(dir, 'index'));
    expect(left, `${why}; left: ${left.join(', ')}`).toEqual([]);
    expect(await listFiles(join(dir, 'index')), why).toEqual(INDEX_FILES);
  }
  expect(kills).toBeGreaterThan(0);
  addCount(context, 'faults injected', kills);
  addCount(context, 'faults injected: corpus encoding', kills);
});

it('encodeCorpus removes the temporary files of a dead writer, not those of a live one', async () => {
  const dir = join(scratch(), 'stale');
  await mkdir(dir, { recursive: true });
  const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited: its pid is free
  const stale = `.shard-00000.f32.${dead}.1.tmp`;
  const live = `.manifest.json.${process.pid}.1.tmp`;
  await writeFile(join(dir, stale), 'half');
  await writeFile(join(dir, live), 'busy');
  const embed = (texts: readonly string[]): Promise<Float32Array> =>
    Promise.resolve(new Float32Array(texts.length * 2).fill(1));
  await encodeCorpus(dir, { ids: ['a', 'b'], texts: ['x', 'y'] }, embed, 'ones', { shardSize: 1 });
  const names = await readdir(dir);
  expect(names).not.toContain(stale);
  expect(names).toContain(live);
});
