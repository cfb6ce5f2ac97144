/**
 * A dual encoder as plain data, so a worker thread can hold an exact replica
 * (data-parallel.ts): configs, every distinct variable once (values, shape, trainable) and
 * which names of each side point at which variable, so tied encoders and shared embedding
 * tables stay shared in the copy. Values travel as Float32Arrays (structured clone).
 *
 * It does not train; `replicaFingerprint` hashes a replica to check that copies agree.
 */
import * as tf from '@tensorflow/tfjs';
import type { BertConfig, Encoder } from '../model/index.js';
import { ContentHash } from '../util/index.js';
import type { DualEncoder } from './dual-encoder.js';

export interface ReplicaSpec {
  readonly tied: boolean;
  readonly sharedEmbeddings: boolean;
  readonly queryConfig: BertConfig;
  readonly passageConfig: BertConfig;
  readonly variables: readonly {
    readonly shape: readonly number[];
    readonly trainable: boolean;
    readonly values: Float32Array;
  }[];
  /** [name, index into variables] in each side's map order. */
  readonly query: readonly (readonly [string, number])[];
  readonly passage: readonly (readonly [string, number])[];
}

/** Every distinct variable, query side first, in map order (the order specs use). */
export function replicaVariables(dual: DualEncoder): tf.Variable[] {
  return [...new Set([...dual.query.weights.values(), ...dual.passage.weights.values()])];
}

/** `dual` as plain data (reads every value back to the host). */
export function replicaSpec(dual: DualEncoder): ReplicaSpec {
  const variables = replicaVariables(dual);
  const index = new Map(variables.map((v, i) => [v, i]));
  const side = (e: Encoder) => [...e.weights].map(([n, v]) => [n, index.get(v)!] as const);
  return {
    tied: dual.tied,
    sharedEmbeddings: dual.sharedEmbeddings ?? false,
    queryConfig: dual.query.config,
    passageConfig: dual.passage.config,
    variables: variables.map((v) => ({
      shape: v.shape.slice(),
      trainable: v.trainable,
      values: Float32Array.from(v.dataSync() as Float32Array),
    })),
    query: side(dual.query),
    passage: side(dual.passage),
  };
}

/** A new dual encoder from a spec (the caller disposes it). */
export function buildReplica(spec: ReplicaSpec): DualEncoder {
  const variables = spec.variables.map((v) =>
    tf.tidy(() => tf.variable(tf.tensor(v.values, v.shape as number[], 'float32'), v.trainable)),
  );
  const side = (entries: ReplicaSpec['query']) =>
    new Map(entries.map(([name, i]) => [name, variables[i]!]));
  const query: Encoder = { config: spec.queryConfig, weights: side(spec.query) };
  if (spec.tied) return { query, passage: query, tied: true };
  const passage: Encoder = { config: spec.passageConfig, weights: side(spec.passage) };
  return { query, passage, tied: false, sharedEmbeddings: spec.sharedEmbeddings };
}

/** Every distinct variable's values, in `replicaVariables` order. */
export function replicaValues(dual: DualEncoder): Float32Array[] {
  return replicaVariables(dual).map((v) => Float32Array.from(v.dataSync() as Float32Array));
}

/** Assigns `values` (from `replicaValues` of an equal replica) into `dual`'s variables. */
export function assignReplicaValues(dual: DualEncoder, values: readonly Float32Array[]): void {
  const variables = replicaVariables(dual);
  if (variables.length !== values.length) {
    throw new Error(
      `assignReplicaValues: ${values.length} arrays for ${variables.length} variables`,
    );
  }
  variables.forEach((v, i) => {
    if (values[i]!.length !== v.size) {
      throw new Error(
        `assignReplicaValues: variable ${i} has ${v.size} values, got ${values[i]!.length}`,
      );
    }
    tf.tidy(() => v.assign(tf.tensor(values[i]!, v.shape, 'float32')));
  });
}

/** A content hash of every distinct variable's shape and values (equal replicas, equal hash). */
export function replicaFingerprint(dual: DualEncoder): string {
  const hash = new ContentHash();
  for (const v of replicaVariables(dual))
    hash.update(`[${v.shape.join(',')}]`).update(v.dataSync() as Float32Array);
  return hash.hex(16);
}
