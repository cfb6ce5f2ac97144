/**
 * The promise that makes KALE cheap, checked rather than assumed: alignment never changes
 * the teacher (the unpruned query encoder) nor the passage index built with the original
 * model. `freezeCheck` takes a fingerprint before and `verify` compares after, throwing when
 * they differ. Also: the student may not share a variable with the teacher.
 *
 * It does not restore anything: it detects and reports.
 */
import { encoderFingerprint, type Encoder } from '../model/index.js';

/** Thrown when something that alignment must leave untouched has changed. */
export class FrozenStateError extends Error {
  override readonly name = 'FrozenStateError';
}

/** Throws unless teacher and student are different encoders with no variable in common. */
export function assertSeparateEncoders(teacher: Encoder, student: Encoder): void {
  if (teacher === student) {
    throw new Error(
      'alignQueryEncoder: teacher and student are the same encoder; prune or clone it first',
    );
  }
  const teacherVars = new Set(teacher.weights.values());
  for (const [name, v] of student.weights) {
    if (teacherVars.has(v)) {
      throw new Error(
        `alignQueryEncoder: student weight "${name}" is the teacher's own tf.Variable; training would change the teacher (use pruneLayers or cloneEncoder)`,
      );
    }
  }
  if (student.config.hiddenSize !== teacher.config.hiddenSize) {
    throw new Error(
      `alignQueryEncoder: student hiddenSize ${student.config.hiddenSize} ≠ teacher hiddenSize ${teacher.config.hiddenSize}`,
    );
  }
}

export interface FrozenCheck {
  readonly teacherFingerprint: string;
  readonly indexFingerprint: string | undefined;
  /** Re-fingerprints and throws a FrozenStateError naming what changed. */
  verify(): Promise<void>;
}

/**
 * Fingerprints the teacher (and the index, when a callback is given) now, e.g.
 * `freezeCheck(teacher, () => float32Hash(docVecs))`.
 */
export async function freezeCheck(
  teacher: Encoder,
  indexFingerprint?: () => string | Promise<string>,
): Promise<FrozenCheck> {
  const teacherBefore = encoderFingerprint(teacher);
  const indexBefore = indexFingerprint ? await indexFingerprint() : undefined;
  return {
    teacherFingerprint: teacherBefore,
    indexFingerprint: indexBefore,
    async verify() {
      const teacherAfter = encoderFingerprint(teacher);
      if (teacherAfter !== teacherBefore) {
        throw new FrozenStateError(
          `alignQueryEncoder: the teacher's weights changed during alignment (fingerprint ${teacherBefore} → ${teacherAfter})`,
        );
      }
      if (indexFingerprint) {
        const indexAfter = await indexFingerprint();
        if (indexAfter !== indexBefore) {
          throw new FrozenStateError(
            `alignQueryEncoder: the passage index changed during alignment (fingerprint ${indexBefore} → ${indexAfter})`,
          );
        }
      }
    },
  };
}
