/** Bonferroni correction: each p-value times the number of tests, capped at 1 (statsmodels 'bonferroni'). */
export function bonferroni(pValues: readonly number[]): number[] {
  const m = pValues.length;
  return pValues.map((p) => Math.min(1, p * m));
}
