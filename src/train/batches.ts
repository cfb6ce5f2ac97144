/**
 * Deterministic training batches for contrastive dual-encoder training.
 *
 * Each training example is a query, one positive passage and `nHard` hard negatives; a
 * batch lists its passages in Tevatron's layout `[pos_0, neg_0_1 … neg_0_n, pos_1, …]`
 * (what `contrastiveLoss` expects). Everything is a pure function of (seed, epoch, query):
 * an epoch's order is a seeded shuffle, and each example's positive and negatives come
 * from a generator seeded by (seed, epoch, query id). So the whole data state of a run is
 * its `BatchPosition` {epoch, batch}: saving it is enough to resume exactly.
 *
 * Negatives: from `hardNegatives` (the dataset's own — WordNet sibling senses, DPR
 * hard_negative_ctxs — or BM25-mined with `mineBm25Negatives`), topped up with random
 * corpus documents when a query has fewer than `nHard`; or random only. Positives of the
 * query are never its negatives. By default no two queries of a batch share a positive
 * (sentence-transformers' NoDuplicatesBatchSampler), since the other's positive would be
 * a false in-batch negative; the last incomplete batch of an epoch is dropped.
 *
 * It does not tokenize: batches carry text.
 */
import {
  passageText,
  type Corpus,
  type HardNegatives,
  type Qrels,
  type Split,
} from '../data/index.js';
import { Random, hashString, type ProgressSink, silentProgress } from '../util/index.js';

export type NegativeSource = 'hard' | 'random';

export interface BatchOptions {
  /** Queries per batch, B. Default 32. */
  readonly batchSize?: number;
  /** Hard negatives per query, n (Tevatron's train_n_passages − 1). Default 1, as the paper. */
  readonly nHard?: number;
  /** Seed of the epoch shuffles and negative draws. Default 42. */
  readonly seed?: number;
  /**
   * 'hard': draw from `hardNegatives` (else the split's own), top up with random documents;
   * 'random': random corpus documents only. Default 'hard'.
   */
  readonly negatives?: NegativeSource;
  /** Overrides the split's hard negatives (e.g. BM25-mined ones). */
  readonly hardNegatives?: HardNegatives;
  /** Keep queries that share a positive out of the same batch. Default true. */
  readonly noDuplicates?: boolean;
}

export const DEFAULT_BATCH_OPTIONS = Object.freeze({
  batchSize: 32,
  nHard: 1,
  seed: 42,
  negatives: 'hard' as NegativeSource,
  noDuplicates: true,
});

export interface TrainingExample {
  readonly queryId: string;
  readonly query: string;
  readonly positiveId: string;
  readonly negativeIds: readonly string[];
}

export interface TrainingBatch {
  readonly examples: readonly TrainingExample[];
  /** [B] query texts. */
  readonly queries: readonly string[];
  /** [B·(1+n)] passage texts, grouped per query with its positive first. */
  readonly passages: readonly string[];
}

/** Where the sampler stands: the next batch is `batch` of `epoch` (both from 0). */
export interface BatchPosition {
  readonly epoch: number;
  readonly batch: number;
}

// Moved to data/passage-text.ts; re-exported until train/presets.ts and experiment/ import it there.
export { passageText };

interface Candidate {
  readonly queryId: string;
  readonly query: string;
  readonly positives: readonly string[];
}

/** Relevant (grade ≥ 1) documents of a query that exist in the corpus, in qrels order. */
function positivesOf(qrels: Qrels, queryId: string, corpus: Corpus): string[] {
  const judged = qrels[queryId] ?? {};
  return Object.keys(judged).filter((d) => (judged[d] ?? 0) >= 1 && corpus[d] !== undefined);
}

export class BatchSampler {
  readonly batchSize: number;
  readonly nHard: number;
  readonly seed: number;
  readonly negatives: NegativeSource;
  readonly noDuplicates: boolean;
  /** Queries with at least one positive in the corpus, sorted by id. */
  readonly candidates: readonly Candidate[];
  private readonly corpus: Corpus;
  private readonly docIds: readonly string[];
  private readonly hard: HardNegatives;
  private pos: BatchPosition = { epoch: 0, batch: 0 };
  private plan: { epoch: number; batches: Candidate[][] } | undefined;

  constructor(corpus: Corpus, split: Split, options: BatchOptions = {}) {
    const o = { ...DEFAULT_BATCH_OPTIONS, ...options };
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
      throw new Error(`BatchSampler: batchSize must be an integer ≥ 1, got ${o.batchSize}`);
    }
    if (!Number.isInteger(o.nHard) || o.nHard < 0) {
      throw new Error(`BatchSampler: nHard must be an integer ≥ 0, got ${o.nHard}`);
    }
    if (o.negatives !== 'hard' && o.negatives !== 'random') {
      throw new Error(
        `BatchSampler: negatives must be 'hard' or 'random', got "${String(o.negatives)}"`,
      );
    }
    this.batchSize = o.batchSize;
    this.nHard = o.nHard;
    this.seed = o.seed;
    this.negatives = o.negatives;
    this.noDuplicates = o.noDuplicates;
    this.corpus = corpus;
    this.docIds = Object.keys(corpus).sort();
    this.hard = options.hardNegatives ?? split.hardNegatives ?? {};
    this.candidates = Object.keys(split.queries)
      .sort()
      .map((queryId) => ({
        queryId,
        query: split.queries[queryId]!.text,
        positives: positivesOf(split.qrels, queryId, corpus),
      }))
      .filter((c) => c.positives.length > 0);
    if (this.candidates.length < this.batchSize) {
      throw new Error(
        `BatchSampler: only ${this.candidates.length} queries have a positive document in the corpus; batchSize is ${this.batchSize}`,
      );
    }
    if (this.nHard > 0 && this.docIds.length < 2) {
      throw new Error(
        `BatchSampler: the corpus has ${this.docIds.length} document(s); need ≥ 2 for negatives`,
      );
    }
  }

  /** Full batches in an epoch (the same for every epoch when noDuplicates is off). */
  get batchesPerEpoch(): number {
    return this.epochPlan(0).length;
  }

  get position(): BatchPosition {
    return this.pos;
  }

  /** Moves to a saved position (from a checkpoint). */
  seek(position: BatchPosition): void {
    const { epoch, batch } = position;
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isInteger(batch) || batch < 0) {
      throw new Error(`BatchSampler.seek: bad position ${JSON.stringify(position)}`);
    }
    this.pos = { epoch, batch };
  }

  /** The batch at the current position, then advances (rolling over to the next epoch). */
  next(): TrainingBatch {
    let { epoch, batch } = this.pos;
    if (batch >= this.epochPlan(epoch).length) {
      epoch += 1;
      batch = 0;
    }
    const out = this.batchAt({ epoch, batch });
    this.pos = { epoch, batch: batch + 1 };
    return out;
  }

  /** The batch at `position`; a pure function of (seed, position). */
  batchAt(position: BatchPosition): TrainingBatch {
    const plan = this.epochPlan(position.epoch);
    const members = plan[position.batch];
    if (!members) {
      throw new Error(
        `BatchSampler: epoch ${position.epoch} has ${plan.length} batches; asked for batch ${position.batch}`,
      );
    }
    const examples = members.map((c) => this.example(c, position.epoch));
    const passages: string[] = [];
    for (const ex of examples) {
      for (const id of [ex.positiveId, ...ex.negativeIds])
        passages.push(passageText(this.corpus[id]!));
    }
    return { examples, queries: examples.map((e) => e.query), passages };
  }

  private epochPlan(epoch: number): Candidate[][] {
    if (this.plan?.epoch === epoch) return this.plan.batches;
    const order = new Random(hashString(`batches:${this.seed}:epoch:${epoch}`)).shuffle(
      this.candidates,
    );
    const batches = this.noDuplicates
      ? packWithoutDuplicates(order, this.batchSize)
      : chunk(order, this.batchSize);
    this.plan = { epoch, batches };
    return batches;
  }

  private example(c: Candidate, epoch: number): TrainingExample {
    const rng = new Random(hashString(`example:${this.seed}:${epoch}:${c.queryId}`));
    const positiveId = c.positives[rng.int(c.positives.length)]!;
    const exclude = new Set(c.positives);
    const negativeIds: string[] = [];
    if (this.nHard > 0) {
      const pool =
        this.negatives === 'hard'
          ? (this.hard[c.queryId] ?? []).filter(
              (d) => !exclude.has(d) && this.corpus[d] !== undefined,
            )
          : [];
      // Without replacement from the pool while it lasts (Tevatron), then random documents.
      for (const id of rng.shuffle([...new Set(pool)]).slice(0, this.nHard)) negativeIds.push(id);
      let tries = 0;
      while (negativeIds.length < this.nHard) {
        const id = this.docIds[rng.int(this.docIds.length)]!;
        if (!exclude.has(id) || ++tries > 100) negativeIds.push(id);
      }
    }
    return { queryId: c.queryId, query: c.query, positiveId, negativeIds };
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i + size <= items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Fills batches in order, deferring a query whose positive is already in the batch to the
 * next one (deferred queries go first there). Incomplete last batch dropped.
 */
function packWithoutDuplicates(order: readonly Candidate[], size: number): Candidate[][] {
  const out: Candidate[][] = [];
  const deferred: Candidate[] = [];
  let i = 0;
  for (;;) {
    const batch: Candidate[] = [];
    const docs = new Set<string>();
    const fits = (c: Candidate): boolean => !c.positives.some((d) => docs.has(d));
    const take = (c: Candidate): void => {
      batch.push(c);
      for (const d of c.positives) docs.add(d);
    };
    for (let j = 0; j < deferred.length && batch.length < size;) {
      if (fits(deferred[j]!)) take(deferred.splice(j, 1)[0]!);
      else j++;
    }
    while (batch.length < size && i < order.length) {
      const c = order[i++]!;
      if (fits(c)) take(c);
      else deferred.push(c);
    }
    if (batch.length < size) return out;
    out.push(batch);
  }
}

/** Anything that ranks documents for a text query (src/retrieval's Bm25Index). */
export interface TextSearcher {
  search(query: string, k: number): ReadonlyArray<{ readonly id: string; readonly score: number }>;
}

export interface MineOptions {
  /** Candidates kept per query (after removing positives). Default 30. */
  readonly depth?: number;
  /** Top results skipped before keeping (guards against unjudged positives). Default 0. */
  readonly skip?: number;
  readonly progress?: ProgressSink;
}

/**
 * BM25-mined hard negatives: for each query with a positive, the top `depth` results of
 * `index` after skipping `skip`, with the query's relevant documents removed.
 */
export function mineBm25Negatives(
  index: TextSearcher,
  split: Split,
  options: MineOptions = {},
): HardNegatives {
  const depth = options.depth ?? 30;
  const skip = options.skip ?? 0;
  if (!Number.isInteger(depth) || depth < 1)
    throw new Error(`mineBm25Negatives: depth must be ≥ 1, got ${depth}`);
  if (!Number.isInteger(skip) || skip < 0)
    throw new Error(`mineBm25Negatives: skip must be ≥ 0, got ${skip}`);
  const progress = options.progress ?? silentProgress;
  const out: Record<string, string[]> = {};
  const ids = Object.keys(split.queries).sort();
  ids.forEach((queryId, n) => {
    const judged = split.qrels[queryId] ?? {};
    const positives = new Set(Object.keys(judged).filter((d) => (judged[d] ?? 0) >= 1));
    if (positives.size === 0) return;
    const hits = index.search(split.queries[queryId]!.text, depth + skip + positives.size);
    out[queryId] = hits
      .slice(skip)
      .map((h) => h.id)
      .filter((d) => !positives.has(d))
      .slice(0, depth);
    if ((n + 1) % 200 === 0 || n + 1 === ids.length) {
      progress({ label: 'mining BM25 negatives', done: n + 1, total: ids.length });
    }
  });
  return out;
}
