/**
 * Fault-injection child: KALE-aligns a 2-layer student pruned from the tiny 3-layer
 * teacher of test/compress/tiny.ts (the resume tests' run: 7 steps, a checkpoint every 2)
 * with checkpoints in argv[2], sleeping argv[4] ms per step, and writes argv[3]/result.json:
 * the loss history and the student's fingerprint.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../../src/backend/index.js';
import { alignQueryEncoder, pruneQueryEncoder } from '../../../src/compress/index.js';
import { encoderFingerprint } from '../../../src/model/index.js';
import {
  RESUMABLE_OPTIONS,
  RESUMABLE_QUERIES,
  tinyTeacher,
  tinyTokenizer,
} from '../../compress/tiny.js';

const [checkpointDir, outDir, sleepArg] = process.argv.slice(2);
if (checkpointDir === undefined || outDir === undefined)
  throw new Error('usage: align.ts CKPT_DIR OUT_DIR [SLEEP_MS]');
const sleepMs = Number(sleepArg ?? '0');
const pause = new Int32Array(new SharedArrayBuffer(4));

await initBackend({ prefer: 'wasm', announce: false });
const tokenizer = tinyTokenizer();
const teacher = tinyTeacher(tokenizer, 5, { numHiddenLayers: 3 });
const student = pruneQueryEncoder(teacher, 2).encoder;
process.stdout.write('ready\n');
const result = await alignQueryEncoder(
  teacher,
  student,
  RESUMABLE_QUERIES,
  tokenizer,
  { ...RESUMABLE_OPTIONS, checkpointDir },
  {
    onStep: () => {
      if (sleepMs > 0) Atomics.wait(pause, 0, 0, sleepMs);
    },
  },
);
await mkdir(outDir, { recursive: true });
// a plain write: the child's own report, not under test (a kill may cut it; the rerun rewrites it)
await writeFile(
  join(outDir, 'result.json'),
  JSON.stringify({
    history: result.history,
    student: encoderFingerprint(student),
  }),
);
process.stdout.write('done\n');
