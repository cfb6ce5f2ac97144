/**
 * The shared memory of data-parallel training (data-parallel.ts): where the workers swap
 * the batch's embeddings and sum their gradients, and the barrier that orders them.
 *
 * - `control` (Int32): [abort, arrived, generation]. `abort` is 0, or 1 + the failed
 *   worker's index, or -1 when the coordinator stopped the run.
 * - `embeddings` (Float32): [B_max·H query rows | B_max(1+n)·H passage rows] of one
 *   micro-batch, each worker writing its shard's rows.
 * - `gradients` (Float32): one slot per worker of P values (every distinct trainable
 *   parameter, dualParameters order, flattened); `present` (Int32) flags per worker and
 *   parameter whether it had a gradient (a missing one is no update, as PyTorch's None).
 *   After the sum, slot 0 also carries each parameter's updated values from its owner.
 * - `norms` (Float64): each worker's sum of squares of its owned summed gradients.
 *
 * `partitionParameters` assigns every parameter one owning worker, which alone keeps its
 * AdamW moments and updates it (the optimiser is a third of a small model's step: sharing
 * it out is what lets N workers approach N×).
 *
 * The barrier is a generation counter on `Atomics.wait`; every wait has a deadline, and
 * an abort wakes every waiter, so a dead or failed worker stops the others instead of
 * hanging them. It does not compute a loss or touch tensors.
 */

/** What the buffers hold; every worker and the coordinator build the same one. */
export interface ExchangeLayout {
  readonly workers: number;
  /** Most query rows of a micro-batch (batchSize) and passage rows (batchSize·(1+nHard)). */
  readonly queryRows: number;
  readonly passageRows: number;
  readonly hidden: number;
  /** Sizes of the distinct trainable parameters, in dualParameters order. */
  readonly paramSizes: readonly number[];
}

export interface ExchangeBuffers {
  readonly control: SharedArrayBuffer;
  readonly embeddings: SharedArrayBuffer;
  readonly gradients: SharedArrayBuffer;
  readonly present: SharedArrayBuffer;
  readonly norms: SharedArrayBuffer;
}

const ABORT = 0;
const ARRIVED = 1;
const GENERATION = 2;
const F32 = Float32Array.BYTES_PER_ELEMENT;

const total = (sizes: readonly number[]): number => sizes.reduce((a, b) => a + b, 0);

/** Fresh, zeroed buffers for `layout`. */
export function allocateExchange(layout: ExchangeLayout): ExchangeBuffers {
  const rows = layout.queryRows + layout.passageRows;
  return {
    control: new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT),
    embeddings: new SharedArrayBuffer(rows * layout.hidden * F32),
    gradients: new SharedArrayBuffer(layout.workers * total(layout.paramSizes) * F32),
    present: new SharedArrayBuffer(
      layout.workers * layout.paramSizes.length * Int32Array.BYTES_PER_ELEMENT,
    ),
    norms: new SharedArrayBuffer(layout.workers * Float64Array.BYTES_PER_ELEMENT),
  };
}

/**
 * The owning worker of each parameter: largest first, each to the least-loaded worker
 * (ties: the lower index), so the optimiser's work is balanced. Deterministic.
 */
export function partitionParameters(sizes: readonly number[], workers: number): number[] {
  const load = new Array<number>(workers).fill(0);
  const owner = new Array<number>(sizes.length).fill(0);
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  for (const i of order) {
    const w = load.indexOf(Math.min(...load));
    owner[i] = w;
    load[w] = load[w]! + sizes[i]!;
  }
  return owner;
}

/** Stops every worker waiting at (or arriving at) a barrier; `by` -1 is the coordinator. */
export function abortExchange(buffers: ExchangeBuffers, by: number): void {
  const control = new Int32Array(buffers.control);
  Atomics.compareExchange(control, ABORT, 0, by < 0 ? -1 : by + 1);
  Atomics.notify(control, GENERATION);
}

/** One participant's view of the buffers (see the file header). */
export class Exchange {
  readonly offsets: readonly number[];
  readonly paramCount: number;
  private readonly control: Int32Array;
  private readonly gradients: Float32Array;
  private readonly present: Int32Array;
  private readonly size: number;

  constructor(
    readonly layout: ExchangeLayout,
    readonly buffers: ExchangeBuffers,
    /** This worker's index, 0 … workers − 1. */
    readonly worker: number,
    /** Longest wait at a barrier before giving up. */
    readonly timeoutMs: number,
  ) {
    this.control = new Int32Array(buffers.control);
    this.gradients = new Float32Array(buffers.gradients);
    this.present = new Int32Array(buffers.present);
    this.size = total(layout.paramSizes);
    this.paramCount = layout.paramSizes.length;
    let at = 0;
    this.offsets = layout.paramSizes.map((n) => ((at += n), at - n));
  }

  /** The query rows [B_max·H] and passage rows [B_max(1+n)·H] of the current micro-batch. */
  get queryEmbeddings(): Float32Array {
    return new Float32Array(this.buffers.embeddings, 0, this.layout.queryRows * this.layout.hidden);
  }

  get passageEmbeddings(): Float32Array {
    const start = this.layout.queryRows * this.layout.hidden;
    return new Float32Array(
      this.buffers.embeddings,
      start * F32,
      this.layout.passageRows * this.layout.hidden,
    );
  }

  /** Worker `w`'s gradient slot, P values. */
  slot(w: number): Float32Array {
    return this.gradients.subarray(w * this.size, (w + 1) * this.size);
  }

  /** Marks whether parameter `i` of this worker's slot holds a gradient. */
  setPresent(i: number, present: boolean): void {
    this.present[this.worker * this.paramCount + i] = present ? 1 : 0;
  }

  /** Whether any worker had a gradient for parameter `i` (after the gradients barrier). */
  anyPresent(i: number): boolean {
    for (let w = 0; w < this.layout.workers; w++)
      if (this.present[w * this.paramCount + i] === 1) return true;
    return false;
  }

  /**
   * Sums this worker's share of the P values over all slots into slot 0, in slot order, so
   * every element is added in the same order whoever sums it.
   */
  reduceShare(): void {
    const n = this.layout.workers;
    const lo = Math.floor((this.size * this.worker) / n);
    const hi = Math.floor((this.size * (this.worker + 1)) / n);
    const slots = Array.from({ length: n }, (_, w) => this.slot(w));
    const out = slots[0]!;
    for (let w = 1; w < n; w++) {
      const add = slots[w]!;
      for (let i = lo; i < hi; i++) out[i] = out[i]! + add[i]!;
    }
  }

  /** Publishes this worker's sum of squares of its owned gradients. */
  setPartialNorm(sumOfSquares: number): void {
    new Float64Array(this.buffers.norms)[this.worker] = sumOfSquares;
  }

  /** The global L2 norm from every worker's part, summed in worker order (after a barrier). */
  totalNorm(): number {
    return Math.sqrt(new Float64Array(this.buffers.norms).reduce((a, b) => a + b, 0));
  }

  /** Waits until every worker has arrived; throws on abort or after `timeoutMs`. */
  barrier(what: string): void {
    const c = this.control;
    this.checkAbort(what);
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, ARRIVED, 1) === this.layout.workers - 1) {
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    const deadline = Date.now() + this.timeoutMs;
    while (Atomics.load(c, GENERATION) === generation) {
      this.checkAbort(what);
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(c, GENERATION, generation, left) === 'timed-out') {
        if (Atomics.load(c, GENERATION) !== generation) break;
        abortExchange(this.buffers, this.worker);
        throw new Error(
          `data-parallel worker ${this.worker}: waited ${this.timeoutMs / 1000} s at "${what}" for the other workers; giving up`,
        );
      }
    }
  }

  private checkAbort(what: string): void {
    const by = Atomics.load(this.control, ABORT);
    if (by === 0) return;
    const who = by < 0 ? 'the coordinator stopped the run' : `worker ${by - 1} failed`;
    throw new Error(`data-parallel worker ${this.worker}: stopped at "${what}": ${who}`);
  }
}
