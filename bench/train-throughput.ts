/**
 * Training throughput of a dual encoder on the active backend: full optimiser steps
 * (forward + backward of both encoders, contrastive loss, clipping, AdamW) on synthetic
 * fixed-length token batches, for the quick preset's shape and a BERT-base shape (tied, 2 queries a step, which fits the wasm heap; 4 do not).
 * bench/train_throughput_torch.py measures the same shapes in PyTorch on CPU.
 *
 *   npx tsx bench/train-throughput.ts [--steps 3] [--only quick|bert-base] [--workers N]
 * --workers N (N ≥ 2): data-parallel over N worker threads, one wasm thread each
 * (src/bench/training-parallel.ts); run with KALELAB_THREADS=1 so the main thread idles.
 *   KALELAB_BACKEND=cpu npx tsx bench/train-throughput.ts
 * Prints one JSON object.
 */
import { initBackend } from '../src/backend/index.js';
import { TRAINING_SHAPES, benchTraining, benchTrainingParallel } from '../src/bench/index.js';
import { argValue, numberArg } from './lib/args.js';

const backend = await initBackend({ announce: false });
const steps = numberArg('steps', 3);
const only = argValue('only');
const workers = numberArg('workers', 1);
const training = [];
for (const shape of TRAINING_SHAPES.filter((s) => only === undefined || s.preset === only))
  training.push(
    workers > 1 ? await benchTrainingParallel(shape, workers, steps) : benchTraining(shape, steps),
  );
process.stdout.write(
  JSON.stringify({ backend: backend.name, threads: backend.threads, training }) + '\n',
);
