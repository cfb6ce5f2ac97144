/**
 * Floating-point operations of one encoder forward pass, counted analytically, for
 * reporting achieved GFLOP/s. A multiply-add counts as 2 FLOPs. Only the matrix products
 * are counted (Q/K/V/output projections, q·kᵀ, P·v, the two feed-forward products); the
 * embedding sums, LayerNorms, softmax and GELU are O(B·L·H) and under 1% at BERT sizes.
 */
import type { BertConfig } from './config.js';

/** FLOPs of `forward` on a [batch, seqLen] input. */
export function encoderFlops(config: BertConfig, batch: number, seqLen: number): number {
  const { hiddenSize: H, intermediateSize: I, numHiddenLayers: N } = config;
  const tokens = batch * seqLen;
  const projections = 2 * tokens * H * H * 4; // Q, K, V, attention output
  const attention = 2 * batch * seqLen * seqLen * H * 2; // q·kᵀ and P·v over all heads
  const feedForward = 2 * tokens * H * I * 2; // intermediate and output dense
  return N * (projections + attention + feedForward);
}
