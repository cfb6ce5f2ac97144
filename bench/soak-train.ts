/**
 * Soak test (opt-in, not part of `npm test`): trains the tiny dual encoder of
 * test/train/tiny-setup.ts for many steps and samples tf.memory() and the process's
 * memory as it goes. Prints one JSON object: whether the tensor count and tensor bytes
 * stayed flat after the first sample, and how much RSS and heap grew (total and per 1,000
 * steps). Exits 1 when tensors leak.
 *
 *   node --expose-gc --import tsx bench/soak-train.ts [--steps 10000] [--every 250] [--checkpoint-every 0]
 *
 * With --expose-gc each sample is taken after a full garbage collection, so heap growth
 * is retained memory, not garbage not yet collected (`gcBeforeSamples` says which).
 *
 * With --checkpoint-every N it also writes a checkpoint every N steps (to a temporary
 * folder, removed at the end), so file writing is soaked too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { createDualEncoder, disposeDualEncoder, trainDualEncoder } from '../src/train/index.js';
import { silentProgress } from '../src/util/index.js';
import { TINY_TRAIN, tinyConfig, tinyDataset, tinyTokenizer } from '../test/train/tiny-setup.js';
import { numberArg } from './lib/args.js';

const steps = numberArg('steps', 10_000);
const every = numberArg('every', 250);
const checkpointEvery = numberArg('checkpoint-every', 0);
if (!Number.isInteger(steps) || steps < 2)
  throw new Error(`--steps: need an integer >= 2, got ${steps}`);
if (!Number.isInteger(every) || every < 1)
  throw new Error(`--every: need a positive integer, got ${every}`);

interface Sample {
  readonly step: number;
  readonly numTensors: number;
  readonly numBytes: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 100) / 100;
const gc = (globalThis as { gc?: () => void }).gc;
function sample(step: number): Sample {
  gc?.();
  const m = tf.memory();
  const p = process.memoryUsage();
  return {
    step,
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    rssMiB: mib(p.rss),
    heapUsedMiB: mib(p.heapUsed),
  };
}

const backend = await initBackend({ prefer: 'wasm', announce: false });
const dataset = tinyDataset();
const tokenizer = tinyTokenizer(dataset);
const dual = createDualEncoder({
  config: tinyConfig(tokenizer.vocab.length),
  queryLayers: 1,
  passageLayers: 2,
  seed: 3,
});
const checkpointDir =
  checkpointEvery > 0 ? await mkdtemp(join(tmpdir(), 'kalelab-soak-')) : undefined;
const samples: Sample[] = [sample(0)];
const started = performance.now();
const result = await trainDualEncoder(
  dual,
  tokenizer,
  dataset,
  {
    ...TINY_TRAIN,
    steps,
    warmupSteps: Math.min(TINY_TRAIN.warmupSteps, steps),
    logEvery: steps,
    ...(checkpointDir !== undefined
      ? { checkpointDir, checkpointEvery }
      : { checkpointEvery: steps + 1 }),
  },
  {
    progress: silentProgress,
    onStep: (record) => {
      if (record.step % every === 0 || record.step === steps) samples.push(sample(record.step));
    },
  },
);
const seconds = (performance.now() - started) / 1000;
disposeDualEncoder(dual);
if (checkpointDir !== undefined) await rm(checkpointDir, { recursive: true, force: true });

// The first sample after step 0 is the baseline: the optimiser's moments exist from then on.
const steady = samples.slice(1);
const base = steady[0]!;
const last = steady.at(-1)!;
const range = (f: (s: Sample) => number): number =>
  Math.max(...steady.map(f)) - Math.min(...steady.map(f));
const perK = (d: number): number =>
  Math.round((d / Math.max(1, last.step - base.step)) * 1000 * 1000) / 1000;
const report = {
  bench: 'soak-train',
  backend: backend.name,
  steps: result.history.length,
  gcBeforeSamples: gc !== undefined,
  checkpointEvery: checkpointDir !== undefined ? checkpointEvery : 0,
  seconds: Math.round(seconds * 10) / 10,
  stepsPerSecond: Math.round((steps / seconds) * 10) / 10,
  tensorsFlat: range((s) => s.numTensors) === 0,
  bytesFlat: range((s) => s.numBytes) === 0,
  tensorCountRange: range((s) => s.numTensors),
  tensorBytesRange: range((s) => s.numBytes),
  rssGrowthMiB: mib((last.rssMiB - base.rssMiB) * 2 ** 20),
  rssGrowthMiBPer1000Steps: perK(last.rssMiB - base.rssMiB),
  heapGrowthMiB: mib((last.heapUsedMiB - base.heapUsedMiB) * 2 ** 20),
  heapGrowthMiBPer1000Steps: perK(last.heapUsedMiB - base.heapUsedMiB),
  finalLoss: result.history.at(-1)?.loss ?? null,
  samples,
};
console.log(JSON.stringify(report, null, 2));
if (!report.tensorsFlat || !report.bytesFlat) process.exit(1);
