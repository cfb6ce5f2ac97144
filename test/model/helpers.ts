/**
 * Shared test helpers for src/model: fixture paths (copied from ../shared/oracle/encoder),
 * oracle inputs as TokenBatch, and the oracle's float32 tolerance.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { TokenBatch } from '../../src/model/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/model/', import.meta.url));
export const fixture = (...parts: string[]): string => FIXTURES + parts.join('/');

export interface OracleInput {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
}
export interface OracleOutput {
  last_hidden_state: number[][][];
  cls: number[][];
  mean_pooled: number[][];
}
export interface OracleExpected {
  inputs: Record<string, OracleInput>;
  full: Record<string, OracleOutput>;
  pruned: Record<string, Record<string, OracleOutput> & { keep_layers: number[] }>;
}

export function readExpected(model: string): OracleExpected {
  return JSON.parse(readFileSync(fixture(model, 'expected.json'), 'utf8')) as OracleExpected;
}

export function tokenBatch(input: OracleInput): TokenBatch {
  return {
    inputIds: tf.tensor2d(input.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(input.attention_mask, undefined, 'int32'),
    tokenTypeIds: tf.tensor2d(input.token_type_ids, undefined, 'int32'),
  };
}

/** The oracle README's float32 tolerance: |a − e| ≤ 2e-5 + 1e-4·|e|. */
export function maxViolation(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { maxAbs: number; worst: number } {
  if (actual.length !== expected.length)
    throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let maxAbs = 0;
  let worst = 0; // max of |a−e| / (2e-5 + 1e-4·|e|); ≤ 1 passes
  for (let i = 0; i < actual.length; i++) {
    const e = Math.fround(expected[i]!);
    const d = Math.abs(actual[i]! - e);
    if (!(d <= maxAbs)) maxAbs = d; // NaN propagates
    const r = d / (2e-5 + 1e-4 * Math.abs(e));
    if (!(r <= worst)) worst = r;
  }
  return { maxAbs, worst };
}
