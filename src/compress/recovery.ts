/**
 * Recovery: the share of the quality lost by pruning that alignment wins back,
 *
 *     recovery = (aligned − pruned) / (full − pruned)
 *
 * on one metric (the dataset's main one). 1 = all of the loss recovered, 0 = none, < 0 =
 * alignment made it worse, > 1 = better than the full model. null when full == pruned
 * (pruning lost nothing, so there is nothing to recover: the ratio is undefined).
 */

/** (aligned − pruned) / (full − pruned), or null when full == pruned. Throws on non-finite input. */
export function recovery(full: number, pruned: number, aligned: number): number | null {
  for (const [field, v] of [
    ['full', full],
    ['pruned', pruned],
    ['aligned', aligned],
  ] as const) {
    if (!Number.isFinite(v))
      throw new Error(`recovery: ${field} must be a finite number, got ${v}`);
  }
  if (full === pruned) return null;
  return (aligned - pruned) / (full - pruned);
}
