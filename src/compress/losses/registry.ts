/**
 * Picks an alignment loss by name, for option records and experiment grids:
 * 'kl' (KALE), 'mse', 'cosine', 'kl+mse'. Unknown names throw, listing the allowed ones.
 * It does not weight query/random-query terms (see reference-combined.ts).
 */
import { kaleKlLoss } from './kale-kl.js';
import { mseLoss } from './mse.js';
import { cosineEmbeddingLoss } from './cosine.js';
import { klMseLoss } from './kl-mse.js';
import type { PairLoss } from './reference-combined.js';
import { nameList, unknownName } from '../../util/names.js';

export const ALIGNMENT_LOSS_NAMES = nameList('kl', 'mse', 'cosine', 'kl+mse');
export type AlignmentLossName = (typeof ALIGNMENT_LOSS_NAMES)[number];

export interface AlignmentLossParams {
  /** Temperature of the KL term ('kl' and 'kl+mse'). */
  readonly temperature: number;
  /** Weight of the MSE term in 'kl+mse' (the KL term has weight 1). Default 1. */
  readonly mseWeight?: number;
}

/** The pair loss for `name`; throws on an unknown name. */
export function alignmentLoss(name: AlignmentLossName, params: AlignmentLossParams): PairLoss {
  switch (name) {
    case 'kl':
      return (s, t) => kaleKlLoss(s, t, { temperature: params.temperature });
    case 'mse':
      return (s, t) => mseLoss(s, t);
    case 'cosine':
      return (s, t) => cosineEmbeddingLoss(s, t);
    case 'kl+mse':
      return (s, t) =>
        klMseLoss(s, t, { temperature: params.temperature, mseWeight: params.mseWeight ?? 1 });
    default:
      throw unknownName('loss', String(name), ALIGNMENT_LOSS_NAMES, 'alignmentLoss');
  }
}
