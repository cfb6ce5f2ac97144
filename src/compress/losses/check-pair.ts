/**
 * Input checks shared by the alignment losses: both arguments are float [B, H] with the
 * same shape and B ≥ 1. Errors name the loss, the argument and the bad shape.
 * It does not check values (NaN/∞ propagate, as in PyTorch).
 */
import type * as tf from '@tensorflow/tfjs';

/** Throws unless `value` is a finite number > 0 (the one check of train/option-checks.ts). */
export { checkPositive } from '../../train/option-checks.js';

export function checkEmbeddingPair(lossName: string, student: tf.Tensor, teacher: tf.Tensor): void {
  if (student.rank !== 2) {
    throw new Error(`${lossName}: student must be [B, H], got shape [${student.shape.join(', ')}]`);
  }
  if (teacher.rank !== 2) {
    throw new Error(`${lossName}: teacher must be [B, H], got shape [${teacher.shape.join(', ')}]`);
  }
  if (student.shape[0] !== teacher.shape[0] || student.shape[1] !== teacher.shape[1]) {
    throw new Error(
      `${lossName}: student [${student.shape.join(', ')}] and teacher [${teacher.shape.join(', ')}] differ in shape`,
    );
  }
  if (student.shape[0] === 0) throw new Error(`${lossName}: empty batch (B = 0)`);
  if (student.dtype !== 'float32' || teacher.dtype !== 'float32') {
    throw new Error(
      `${lossName}: embeddings must be float32, got student ${student.dtype}, teacher ${teacher.dtype}`,
    );
  }
}

/** Throws unless `value` is a finite number ≥ 0. */
export function checkNonNegative(lossName: string, field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${lossName}: ${field} must be a finite number ≥ 0, got ${value}`);
  }
}
