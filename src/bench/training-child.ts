/**
 * One process of training-peers.ts: starts the backend the environment names
 * (KALELAB_BACKEND, KALELAB_THREADS), runs `benchTraining` on the shapes asked for and
 * prints `{"training": [...]}` as one line. Arguments: steps, then preset names (none: all).
 */
import { initBackend } from '../backend/index.js';
import { TRAINING_SHAPES, benchTraining } from './training.js';

const [steps = '3', ...only] = process.argv.slice(2);
await initBackend({ announce: false });
const training = TRAINING_SHAPES.filter((s) => only.length === 0 || only.includes(s.preset)).map(
  (s) => benchTraining(s, Number(steps)),
);
process.stdout.write(JSON.stringify({ training }) + '\n');
