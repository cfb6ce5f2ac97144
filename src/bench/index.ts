export {
  benchTraining,
  TRAINING_SHAPES,
  type TrainingBench,
  type TrainingShape,
} from './training.js';
export {
  benchTrainingPeers,
  type TrainingPeersOptions,
  type TrainingRows,
} from './training-peers.js';
