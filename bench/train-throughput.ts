/**
 * Training throughput of a dual encoder on the active backend: full optimiser steps
 * (forward + backward of both encoders, contrastive loss, clipping, AdamW) on synthetic
 * fixed-length token batches, for the quick preset's shape and a BERT-base shape (tied, 2 queries a step, which fits the wasm heap; 4 do not).
 * bench/train_throughput_torch.py measures the same shapes in PyTorch on CPU.
 *
 *   npx tsx bench/train-throughput.ts [--steps 3] [--only quick|bert-base]
 *   KALELAB_BACKEND=cpu npx tsx bench/train-throughput.ts
 * Prints one JSON object.
 */
import { initBackend } from '../src/backend/index.js';
import { TRAINING_SHAPES, benchTraining } from '../src/bench/index.js';
import { argValue, numberArg } from './lib/args.js';

const backend = await initBackend({ announce: false });
const steps = numberArg('steps', 3);
const only = argValue('only');
const training = TRAINING_SHAPES.filter((s) => only === undefined || s.preset === only).map((s) =>
  benchTraining(s, steps),
);
process.stdout.write(
  JSON.stringify({ backend: backend.name, threads: backend.threads, training }) + '\n',
);
