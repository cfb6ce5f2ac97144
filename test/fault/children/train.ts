/**
 * Fault-injection child (test/fault/train.test.ts, test/train/kill-resume.test.ts): trains
 * the tiny dual encoder of test/train/tiny-setup.ts with a checkpoint every 2 steps in
 * argv[2], sleeping argv[4] ms per step so a kill can land anywhere, prints "checkpoint <step>"
 * after each, saves the model to argv[3]/model and writes argv[3]/result.json: the step it
 * resumed from, the loss history and the fingerprints of the saved model, read back from disk.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../../src/backend/index.js';
import { encoderFingerprint } from '../../../src/model/index.js';
import { loadDualEncoder, saveDualEncoder, trainDualEncoder } from '../../../src/train/index.js';
import { silentProgress } from '../../../src/util/index.js';
import { TINY_TRAIN, tinyDataset, tinyResumeDual, tinyTokenizer } from '../../train/tiny-setup.js';

const [checkpointDir, outDir, sleepArg] = process.argv.slice(2);
if (checkpointDir === undefined || outDir === undefined)
  throw new Error('usage: train.ts CKPT_DIR OUT_DIR [SLEEP_MS]');
const sleepMs = Number(sleepArg ?? '0');
const pause = new Int32Array(new SharedArrayBuffer(4));

await initBackend({ prefer: 'wasm', announce: false });
const dataset = tinyDataset();
const tokenizer = tinyTokenizer(dataset);
const dual = tinyResumeDual(tokenizer);
process.stdout.write('ready\n');
const result = await trainDualEncoder(
  dual,
  tokenizer,
  dataset,
  { ...TINY_TRAIN, checkpointDir },
  {
    progress: silentProgress,
    onStep: () => {
      if (sleepMs > 0) Atomics.wait(pause, 0, 0, sleepMs); // a slow step, synchronously
    },
    onCheckpoint: (_dir, step) => void process.stdout.write(`checkpoint ${step}\n`),
  },
);
await saveDualEncoder(join(outDir, 'model'), dual, tokenizer);
const saved = await loadDualEncoder(join(outDir, 'model'));
await mkdir(outDir, { recursive: true });
// a plain write: the child's own report, not under test (a kill may cut it; the rerun rewrites it)
await writeFile(
  join(outDir, 'result.json'),
  JSON.stringify({
    resumedFrom: result.resumedFrom,
    losses: result.history.map((h) => h.loss),
    query: encoderFingerprint(saved.dual.query),
    passage: encoderFingerprint(saved.dual.passage),
  }),
);
process.stdout.write('done\n');
