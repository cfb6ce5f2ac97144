/**
 * One process of training-peers.ts: starts the backend the environment names
 * (KALELAB_BACKEND, KALELAB_THREADS), runs `benchTraining` on the shapes asked for — or
 * `benchTrainingParallel` when KALELAB_TRAIN_WORKERS is above 1 — and prints
 * `{"training": [...]}` as one line. Arguments: steps, then preset names (none: all).
 */
import { initBackend } from '../backend/index.js';
import { TRAIN_WORKERS_ENV, trainWorkers } from '../train/index.js';
import { TRAINING_SHAPES, benchTraining } from './training.js';
import { benchTrainingParallel } from './training-parallel.js';

const [steps = '3', ...only] = process.argv.slice(2);
await initBackend({ announce: false });
const workers = process.env[TRAIN_WORKERS_ENV] ? trainWorkers() : 1;
const training = [];
for (const shape of TRAINING_SHAPES.filter((s) => only.length === 0 || only.includes(s.preset)))
  training.push(
    workers > 1
      ? await benchTrainingParallel(shape, workers, Number(steps))
      : benchTraining(shape, Number(steps)),
  );
process.stdout.write(JSON.stringify({ training }) + '\n');
