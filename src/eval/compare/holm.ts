/**
 * Holm's step-down correction (statsmodels 'holm'): with the p-values sorted ascending,
 * the i-th (0-based) is multiplied by m − i, a running maximum keeps the adjusted values
 * monotone, and each is capped at 1. Controls the family-wise error rate like Bonferroni,
 * and is never less powerful. Returned in the input order.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]!);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!));
    adjusted[index] = running;
  });
  return adjusted;
}
