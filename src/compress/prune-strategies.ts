/**
 * Pruning a query encoder in one call: choose layers by a strategy (src/model's `layerMap`)
 * and copy them into a new encoder (`pruneLayers`). A convenience for grids and notebooks;
 * the layer maps and the copying live in src/model/prune.ts.
 *
 * It never modifies the source encoder, and does not align (align.ts does).
 */
import { layerMap, pruneLayers, type Encoder, type LayerStrategy } from '../model/index.js';

export {
  layerMap,
  pruneLayers,
  LAYER_STRATEGIES,
  PAPER_LAYER_MAP,
  type LayerStrategy,
} from '../model/index.js';

export interface PrunedEncoder {
  /** A new encoder with `keptLayers.length` layers; the caller disposes it. */
  readonly encoder: Encoder;
  /** Indices of the source's layers that were kept, in order (e.g. [0, 11] for 2 of 12). */
  readonly keptLayers: readonly number[];
}

/**
 * Keeps `keepLayers` of the encoder's layers, chosen by `strategy` ('spread', the default:
 * first and last kept, the paper's map at 12 layers; 'first'; 'last').
 */
export function pruneQueryEncoder(
  encoder: Encoder,
  keepLayers: number,
  strategy: LayerStrategy = 'spread',
): PrunedEncoder {
  const keptLayers = layerMap(encoder.config.numHiddenLayers, keepLayers, strategy);
  return { encoder: pruneLayers(encoder, keptLayers), keptLayers: Object.freeze(keptLayers) };
}
