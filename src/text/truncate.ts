/**
 * How many word pieces of each sequence to keep when a text (pair) is too long. Pieces
 * are always cut from the right. For a pair this is HF's `longest_first` rule as the Rust
 * `tokenizers` crate implements it: cut only the longer sequence if that is enough, else
 * give each half the budget (the longer one gets the odd piece; on a tie, the second).
 *
 * Does not: add special tokens; `budget` is the room left after [CLS]/[SEP].
 */

/** Pieces to keep of a single sequence of `length` pieces. */
export function keepSingle(length: number, budget: number): number {
  return Math.min(length, budget);
}

/** Pieces to keep of each sequence of a pair, [first, second]. */
export function keepPair(lengthA: number, lengthB: number, budget: number): [number, number] {
  if (lengthA + lengthB <= budget) return [lengthA, lengthB];
  const swap = lengthA > lengthB;
  let n1 = swap ? lengthB : lengthA; // the shorter
  let n2: number;
  n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  const [keepA, keepB] = swap ? [n2, n1] : [n1, n2];
  return [Math.min(lengthA, keepA), Math.min(lengthB, keepB)];
}
