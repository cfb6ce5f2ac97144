/**
 * Bounded top-k selection over (index, score) pairs with a deterministic order: higher
 * score first, and among equal scores the LOWER index first. A binary min-heap keeps the
 * current worst kept pair at the root, so each offer costs O(1) when it loses and
 * O(log k) when it enters. NaN scores are never kept.
 *
 * Shared by BM25 and dense search; it knows nothing about documents or queries.
 */
export class TopK {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  private n = 0;

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1)
      throw new Error(`TopK: k must be a positive integer, got ${k}`);
    this.idx = new Int32Array(k);
    this.val = new Float64Array(k);
  }

  get size(): number {
    return this.n;
  }

  /** The score a new pair must beat to enter once the heap is full (−∞ before). */
  get threshold(): number {
    return this.n < this.k ? -Infinity : this.val[0]!;
  }

  /** True when (ia, sa) ranks below (ib, sb). */
  private worse(sa: number, ia: number, sb: number, ib: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }

  /** Offers a pair; keeps it if it ranks among the best k seen so far. */
  push(index: number, score: number): void {
    if (Number.isNaN(score)) return;
    const { idx, val } = this;
    if (this.n < this.k) {
      // Sift up from the end.
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(score, index, val[p]!, idx[p]!)) break;
        idx[i] = idx[p]!;
        val[i] = val[p]!;
        i = p;
      }
      idx[i] = index;
      val[i] = score;
      return;
    }
    if (!this.worse(val[0]!, idx[0]!, score, index)) return; // not better than the worst kept
    // Replace the root and sift down.
    let i = 0;
    const n = this.n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.worse(val[r]!, idx[r]!, val[l]!, idx[l]!) ? r : l;
      if (!this.worse(val[c]!, idx[c]!, score, index)) break;
      idx[i] = idx[c]!;
      val[i] = val[c]!;
      i = c;
    }
    idx[i] = index;
    val[i] = score;
  }

  /** The kept pairs, best first. Does not empty the heap. */
  sorted(): { indices: Int32Array; scores: Float64Array } {
    const order = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => {
      const sa = this.val[a]!;
      const sb = this.val[b]!;
      return sa !== sb ? sb - sa : this.idx[a]! - this.idx[b]!;
    });
    return {
      indices: Int32Array.from(order, (i) => this.idx[i]!),
      scores: Float64Array.from(order, (i) => this.val[i]!),
    };
  }

  /** Empties the heap for reuse. */
  clear(): void {
    this.n = 0;
  }
}
