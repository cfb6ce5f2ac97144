/**
 * Multiple-testing corrections by name: `holm` (default), `bonferroni`, `bh`
 * (Benjamini–Hochberg) and `none`. Unknown names throw, listing the allowed ones. A test is
 * significant when its adjusted p-value is ≤ alpha, as statsmodels' `reject`.
 */
import { benjaminiHochberg } from './benjamini-hochberg.js';
import { bonferroni } from './bonferroni.js';
import { holm } from './holm.js';
import { isOneOf, nameList, unknownName } from '../../util/names.js';

export const CORRECTIONS = nameList('holm', 'bonferroni', 'bh', 'none');
export type CorrectionName = (typeof CORRECTIONS)[number];

export function parseCorrection(name: string): CorrectionName {
  const n = name.trim().toLowerCase();
  if (!isOneOf(CORRECTIONS, n)) throw unknownName('correction', name, CORRECTIONS);
  return n;
}

/** Adjusted p-values, in the input order; p-values must be in [0, 1]. */
export function adjustPValues(pValues: readonly number[], correction: CorrectionName): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new Error(`adjustPValues: p-value ${p} is not in [0, 1]`);
  }
  switch (parseCorrection(correction)) {
    case 'holm':
      return holm(pValues);
    case 'bonferroni':
      return bonferroni(pValues);
    case 'bh':
      return benjaminiHochberg(pValues);
    case 'none':
      return [...pValues];
  }
}
