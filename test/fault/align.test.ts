/**
 * SIGKILL at seeded random moments during KALE alignment (src/compress/align.ts): the
 * killed and resumed run ends with the history and student weights of an uninterrupted
 * run, and leaves no temporary file or folder behind.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
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
} from './harness.js';

const script = childScript('align.ts');
const scratch = useTempDir('fault-align');
const tokenizer = tinyTokenizer();
const teacher = useResumableTeacher(tokenizer);
const SLEEP_MS = 120;
const WORK_MS = (RESUMABLE_OPTIONS.steps ?? 7) * SLEEP_MS * 1.5;

it('alignment killed at random moments resumes to the uninterrupted result, no temporaries left', async (context) => {
  const student = pruneQueryEncoder(teacher(), 2).encoder;
  const straight = await alignQueryEncoder(
    teacher(),
    student,
    RESUMABLE_QUERIES,
    tokenizer,
    RESUMABLE_OPTIONS,
  );
  const expected = { history: straight.history, student: encoderFingerprint(student) };
  disposeEncoder(student);

  const moments = killMoments(201, 3, WORK_MS);
  const dir = scratch();
  const outcome = await killAndResume(
    script,
    [join(dir, 'ckpt'), join(dir, 'out'), String(SLEEP_MS)],
    moments,
  );
  const got = JSON.parse(await readFile(join(dir, 'out', 'result.json'), 'utf8')) as unknown;
  expect(got, `kills at ${describeKills(moments)}`).toEqual(JSON.parse(JSON.stringify(expected)));
  expect(await leftoverTemporaries(dir)).toEqual([]);
  expect(outcome.kills).toBeGreaterThan(0);
  addCount(context, 'faults injected', outcome.kills);
  addCount(context, 'faults injected: KALE alignment', outcome.kills);
});
