/**
 * Benjamini–Hochberg step-up correction (statsmodels 'fdr_bh'): with the p-values sorted
 * ascending, the i-th (1-based) becomes p·m / i, a running minimum from the largest down
 * keeps them monotone, each capped at 1. Controls the false discovery rate, not the
 * family-wise error rate. Returned in the input order.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]!);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank]!;
    running = Math.min(running, (pValues[index]! * m) / (rank + 1));
    adjusted[index] = running;
  }
  return adjusted;
}
