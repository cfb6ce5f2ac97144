/**
 * Checks shared by every paired test: two equally long arrays of finite per-query scores, at
 * least two queries. Errors name the caller, so a bad input is traced to its test.
 */

/** The per-query scores of two systems on the same queries, in the same order. */
export type Scores = ArrayLike<number>;

/** Throws unless `a` and `b` hold the same number (≥ 2) of finite scores. */
export function checkPaired(test: string, a: Scores, b: Scores): void {
  if (a.length !== b.length) {
    throw new Error(
      `${test}: the two systems have ${a.length} and ${b.length} scores; a paired test needs one per query for both`,
    );
  }
  if (a.length < 2) throw new Error(`${test}: needs at least 2 queries, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) {
      throw new Error(`${test}: score ${i} is not a finite number (${a[i]}, ${b[i]})`);
    }
  }
}

/** b − a per query. */
export function differences(a: Scores, b: Scores): Float64Array {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = b[i]! - a[i]!;
  return d;
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Queries where b > a, b = a and b < a. */
export function winsTiesLosses(
  a: Scores,
  b: Scores,
): { wins: number; ties: number; losses: number } {
  let wins = 0;
  let losses = 0;
  for (let i = 0; i < a.length; i++) {
    if (b[i]! > a[i]!) wins++;
    else if (b[i]! < a[i]!) losses++;
  }
  return { wins, ties: a.length - wins - losses, losses };
}
