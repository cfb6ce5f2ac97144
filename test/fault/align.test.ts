/**
 * SIGKILL at seeded random moments and just before seeded random renames (inside the
 * atomic checkpoint swap) during KALE alignment (src/compress/align.ts): the
 * killed and resumed run ends with the history and student weights of an uninterrupted
 * run, and leaves no temporary file or folder behind.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignQueryEncoder, pruneQueryEncoder } from '../../src/compress/index.js';
import { disposeEncoder, encoderFingerprint } from '../../src/model/index.js';
import {
  RESUMABLE_OPTIONS,
  RESUMABLE_QUERIES,
  tinyTokenizer,
  useResumableTeacher,
} from '../compress/tiny.js';
import { addCount } from '../counts.js';
import { useTempDir } from '../temp-dir.js';
import {
  childScript,
  describeKills,
  killAndResume,
  killMoments,
  leftoverTemporaries,
  renameKillPoints,
} from './harness.js';
import { countRenames } from './io-ops.js';

const script = childScript('align.ts');
const scratch = useTempDir('fault-align');
const tokenizer = tinyTokenizer();
const teacher = useResumableTeacher(tokenizer);
const SLEEP_MS = 120;
const WORK_MS = (RESUMABLE_OPTIONS.steps ?? 7) * SLEEP_MS * 1.5;

describe('KALE alignment under SIGKILL', () => {
  /** Set by the first test once its files are final. */
  let leftovers: string[] | undefined;

  it('alignment killed at random moments resumes to the uninterrupted result', async (context) => {
    const student = pruneQueryEncoder(teacher(), 2).encoder;
    let straight: Awaited<ReturnType<typeof alignQueryEncoder>> | undefined;
    // with the child's checkpoints, to learn how many renames a whole run makes
    const renames = await countRenames(async () => {
      straight = await alignQueryEncoder(teacher(), student, RESUMABLE_QUERIES, tokenizer, {
        ...RESUMABLE_OPTIONS,
        checkpointDir: join(scratch(), 'ref'),
      });
    });
    const expected = { history: straight!.history, student: encoderFingerprint(student) };
    disposeEncoder(student);

    const moments = [
      ...renameKillPoints(204, 1, renames),
      ...killMoments(201, 1, WORK_MS),
      ...renameKillPoints(205, 1, renames),
    ];
    const dir = join(scratch(), 'trial');
    const outcome = await killAndResume(
      script,
      [join(dir, 'ckpt'), join(dir, 'out'), String(SLEEP_MS)],
      moments,
    );
    const got = JSON.parse(await readFile(join(dir, 'out', 'result.json'), 'utf8')) as unknown;
    expect(got, `kills at ${describeKills(moments)}`).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(outcome.kills).toBeGreaterThan(0);
    addCount(context, 'faults injected', outcome.kills);
    addCount(context, 'faults injected: KALE alignment', outcome.kills);
    leftovers = await leftoverTemporaries(dir);
  });

  it('no temporary file or folder is left behind', () => {
    expect(leftovers, 'the test above did not finish').toBeDefined();
    expect(leftovers, `left: ${leftovers!.join(', ')}`).toEqual([]);
  });
});
