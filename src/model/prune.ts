/**
 * Structural pruning: remove whole transformer layers from an encoder, and the layer maps
 * that choose which to keep.
 *
 * A pruned encoder is a renaming: kept layer `keep[j]` becomes `encoder.layer.{j}`, weights
 * unchanged, embeddings unchanged. It does not repair the pruned model (KALE, in
 * src/compress, does) and never modifies the source encoder.
 */
import * as tf from '@tensorflow/tfjs';
import { layerName, parseLayerName, type Encoder } from './weights.js';
import { nameList, unknownName } from '../util/names.js';

export const LAYER_STRATEGIES = nameList('spread', 'first', 'last');
export type LayerStrategy = (typeof LAYER_STRATEGIES)[number];

/**
 * The paper's layer maps for a 12-layer encoder (Campos et al. 2023, and the intended map of
 * spacemanidol/KALE `ca-prune.py`, whose code overwrites it by accident with a 6-layer one).
 * The 9-layer entry is not on any simple grid, so 'spread' uses this table at 12 layers.
 */
export const PAPER_LAYER_MAP: Readonly<Record<number, readonly number[]>> = Object.freeze({
  1: Object.freeze([0]),
  2: Object.freeze([0, 11]),
  3: Object.freeze([0, 5, 11]),
  6: Object.freeze([0, 2, 4, 6, 8, 11]),
  9: Object.freeze([0, 1, 3, 4, 5, 6, 7, 9, 11]),
});

/**
 * Which `keep` of `numLayers` layers to keep, ascending.
 * - 'spread' (default): first and last kept, the rest evenly spaced: ⌊i·(n−1)/(k−1)⌋ for
 *   i = 0…k−1 (k = 1 keeps layer 0). At 12 layers the paper's map is returned for
 *   k ∈ {1, 2, 3, 6, 9}; the formula gives the same for 1, 2, 3 and 6.
 * - 'first': layers 0…k−1. 'last': layers n−k…n−1.
 */
export function layerMap(
  numLayers: number,
  keep: number,
  strategy: LayerStrategy = 'spread',
): number[] {
  if (!Number.isInteger(numLayers) || numLayers < 1) {
    throw new Error(`layerMap: numLayers must be an integer ≥ 1, got ${numLayers}`);
  }
  if (!Number.isInteger(keep) || keep < 1 || keep > numLayers) {
    throw new Error(`layerMap: keep must be an integer in 1…${numLayers}, got ${keep}`);
  }
  switch (strategy) {
    case 'first':
      return range(0, keep);
    case 'last':
      return range(numLayers - keep, numLayers);
    case 'spread': {
      const paper = numLayers === 12 ? PAPER_LAYER_MAP[keep] : undefined;
      if (paper !== undefined) return [...paper];
      if (keep === 1) return [0];
      return range(0, keep).map((i) => Math.floor((i * (numLayers - 1)) / (keep - 1)));
    }
    default:
      throw unknownName('strategy', String(strategy), LAYER_STRATEGIES, 'layerMap');
  }
}

/**
 * A new encoder with only the layers in `keep` (run in the listed order), renumbered 0…k−1,
 * and `numHiddenLayers = keep.length`. Variables keep their trainable flags; they share
 * buffers with the source until either is assigned, so training one never changes the other.
 */
export function pruneLayers(encoder: Encoder, keep: readonly number[]): Encoder {
  const n = encoder.config.numHiddenLayers;
  if (keep.length === 0) throw new Error('pruneLayers: keep is empty; keep at least one layer');
  const seen = new Set<number>();
  for (const l of keep) {
    if (!Number.isInteger(l) || l < 0 || l >= n) {
      throw new Error(`pruneLayers: layer ${l} is out of range 0…${n - 1}`);
    }
    if (seen.has(l))
      throw new Error(`pruneLayers: layer ${l} is listed twice in [${keep.join(', ')}]`);
    seen.add(l);
  }
  const newIndex = new Map(keep.map((old, j) => [old, j]));
  const weights = new Map<string, tf.Variable>();
  for (const [name, v] of encoder.weights) {
    const parsed = parseLayerName(name);
    if (parsed === undefined) {
      weights.set(name, tf.variable(v, v.trainable));
      continue;
    }
    const j = newIndex.get(parsed.layer);
    if (j !== undefined) weights.set(layerName(j, parsed.suffix), tf.variable(v, v.trainable));
  }
  return { config: { ...encoder.config, numHiddenLayers: keep.length }, weights };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
