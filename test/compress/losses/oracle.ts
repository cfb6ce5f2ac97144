/**
 * Test helpers: the KALE loss oracle (test/fixtures/compress/kale.json, a copy of
 * ../shared/oracle/losses/kale.json: torch autograd in float64) and tolerance checks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

export interface OracleLoss {
  readonly loss: { readonly value: number; readonly value_f64: number };
  readonly grad_student: number[][];
}
export interface OracleCase {
  readonly name: string;
  readonly inputs: { readonly student: number[][]; readonly teacher: number[][] };
  readonly shape: [number, number];
  readonly kale_T1: OracleLoss & { readonly temperature: number };
  readonly kale_T10: OracleLoss & { readonly temperature: number };
  readonly mse_mean: OracleLoss;
  readonly cosine_embedding: OracleLoss;
}
export interface OracleReference {
  readonly name: string;
  readonly inputs: Record<
    'student_pos' | 'teacher_pos' | 'student_neg' | 'teacher_neg',
    number[][]
  >;
  readonly loss: { readonly value: number; readonly value_f64: number };
  readonly grad_student_pos: number[][];
  readonly grad_student_neg: number[][];
}
export interface KaleOracle {
  readonly cases: readonly OracleCase[];
  readonly reference_combined: OracleReference;
}

export const oracle: KaleOracle = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../fixtures/compress/kale.json', import.meta.url)),
    'utf8',
  ),
) as KaleOracle;

/** Oracle tolerances (README, Part 2): loss ≤ 1e-5 + 1e-4|e|, gradient ≤ 1e-6 + 1e-4|e|. */
export const LOSS_TOL = { abs: 1e-5, rel: 1e-4 };
export const GRAD_TOL = { abs: 1e-6, rel: 1e-4 };

/** Largest |a − e| seen per check name, for the report. */
export const maxErrors = new Map<string, number>();

function record(name: string, err: number): void {
  const key = `${tf.getBackend()} ${name}`;
  maxErrors.set(key, Math.max(maxErrors.get(key) ?? 0, err));
}

/** Prints the largest errors seen (stderr), so a run shows how close to the oracle we are. */
export function printMaxErrors(): void {
  const rows = [...maxErrors].map(([k, v]) => `${k} ${v.toExponential(2)}`);
  process.stderr.write(`max |actual − oracle|: ${rows.join('; ')}\n`);
}

export function expectLossClose(name: string, actual: number, expected: number): void {
  const err = Math.abs(actual - expected);
  record(name, err);
  expect(err, `${name}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(
    LOSS_TOL.abs + LOSS_TOL.rel * Math.abs(expected),
  );
}

export function expectGradClose(name: string, actual: tf.Tensor, expected: number[][]): void {
  expect(actual.shape).toEqual([expected.length, expected[0]!.length]);
  const got = actual.dataSync();
  const flat = expected.flat();
  let worst = 0;
  for (let i = 0; i < flat.length; i++) {
    const err = Math.abs(got[i]! - flat[i]!);
    worst = Math.max(worst, err);
    expect(err, `${name}[${i}]: got ${got[i]}, expected ${flat[i]}`).toBeLessThanOrEqual(
      GRAD_TOL.abs + GRAD_TOL.rel * Math.abs(flat[i]!),
    );
  }
  record(name, worst);
}

/** Loss value and d loss / d student for `loss(student, teacher)`. */
export function valueAndGrad(
  loss: (s: tf.Tensor2D, t: tf.Tensor2D) => tf.Scalar,
  student: number[][],
  teacher: number[][],
): { value: number; grad: tf.Tensor; dispose: () => void } {
  const s = tf.tensor2d(student);
  const t = tf.tensor2d(teacher);
  const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => loss(x as tf.Tensor2D, t))([s]);
  const v = value.dataSync()[0]!;
  const grad = grads[0]!;
  return {
    value: v,
    grad,
    dispose: () => tf.dispose([s, t, value, grad]),
  };
}

export const BACKENDS = ['cpu', 'wasm'] as const;
