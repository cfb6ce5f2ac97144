/**
 * BM25 over an in-memory inverted index, scored as Lucene 8+ / Elasticsearch 7+ do:
 *
 *   score(q, d) = Σ_{t ∈ q} idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))
 *   idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
 *
 * (Lucene dropped the constant (k1 + 1) factor in 8.0; rankings are unchanged.) A term
 * repeated in the query counts once per occurrence, as repeated clauses of a Lucene
 * boolean query do. dl is the number of indexed terms of the document, by default passed
 * through Lucene's one-byte length encoding (lucene-norms.ts); avgdl is exact. Each
 * document is indexed as one field, "title text" (Anserini's "flat" BEIR indexing).
 *
 * Terms come from analyzer.ts (Elasticsearch `english`-like). Postings are CSR typed
 * arrays (term → doc indices and term frequencies), so an index over tens of thousands
 * of documents builds in seconds and answers a query in well under a millisecond per
 * thousand postings. Only documents that share a term with the query are returned.
 * Ties go to the lower document index (corpus insertion order).
 */
import { emptyRecord } from '../data/records.js';
import type { Corpus, Queries, Run } from '../data/types.js';
import { silentProgress, type ProgressSink } from '../util/progress.js';
import { analyze, type AnalyzerOptions } from './analyzer.js';
import { luceneLength } from './lucene-norms.js';
import { TopK } from './topk.js';

export interface Bm25Options {
  /** Term-frequency saturation (default 0.9: Anserini's BEIR setting; Elasticsearch uses 1.2). */
  readonly k1?: number;
  /** Length normalisation (default 0.4: Anserini's BEIR setting; Elasticsearch uses 0.75). */
  readonly b?: number;
  /** Tokenisation (default: stopwords removed, Porter stemming). */
  readonly analyzer?: AnalyzerOptions;
  /** Score with Lucene's lossy one-byte document lengths (default true, as Lucene). */
  readonly luceneLengths?: boolean;
  /** Reports indexing progress (default silent). */
  readonly progress?: ProgressSink;
}

export const DEFAULT_BM25_OPTIONS = Object.freeze({
  k1: 0.9,
  b: 0.4,
  luceneLengths: true,
});

export interface Bm25Hit {
  readonly id: string;
  readonly score: number;
}

/** Growable Int32 buffer for building postings. */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export class Bm25Index {
  /** Per-document BM25 length norm k1 · (1 − b + b · dl / avgdl), [numDocs]. */
  private readonly norms: Float32Array;
  /** Scratch accumulator reused across queries, [numDocs]. */
  private readonly acc: Float64Array;

  private constructor(
    /** Document ids in corpus order; result indices point here. */
    readonly docIds: readonly string[],
    private readonly terms: ReadonlyMap<string, number>,
    /** CSR offsets per term, [numTerms + 1]. */
    private readonly offsets: Int32Array,
    /** Postings: document index, [numPostings]. */
    private readonly postDocs: Int32Array,
    /** Postings: term frequency, [numPostings]. */
    private readonly postTf: Float32Array,
    /** Indexed terms per document (exact), [numDocs]. */
    readonly docLengths: Int32Array,
    readonly k1: number,
    readonly b: number,
    private readonly analyzer: AnalyzerOptions,
    luceneLengths: boolean,
  ) {
    const n = docIds.length;
    let total = 0;
    for (let d = 0; d < n; d++) total += docLengths[d]!;
    const avgdl = n === 0 ? 1 : total / n || 1;
    this.norms = new Float32Array(n);
    for (let d = 0; d < n; d++) {
      const dl = luceneLengths ? luceneLength(docLengths[d]!) : docLengths[d]!;
      this.norms[d] = k1 * (1 - b + (b * dl) / avgdl);
    }
    this.acc = new Float64Array(n);
  }

  /** Indexes every document of `corpus` (title and text as one field). */
  static build(corpus: Corpus, options: Bm25Options = {}): Bm25Index {
    const k1 = options.k1 ?? DEFAULT_BM25_OPTIONS.k1;
    const b = options.b ?? DEFAULT_BM25_OPTIONS.b;
    const luceneLengths = options.luceneLengths ?? DEFAULT_BM25_OPTIONS.luceneLengths;
    if (!(k1 >= 0) || !Number.isFinite(k1))
      throw new Error(`Bm25Index.build: k1 must be ≥ 0, got ${k1}`);
    if (!(b >= 0 && b <= 1)) throw new Error(`Bm25Index.build: b must be in [0, 1], got ${b}`);
    const analyzer = options.analyzer ?? {};
    const progress = options.progress ?? silentProgress;

    const docIds = Object.keys(corpus);
    const n = docIds.length;
    const terms = new Map<string, number>();
    const tripleTerm = new IntList();
    const tripleDoc = new IntList();
    const tripleTf = new IntList();
    const docLengths = new Int32Array(n);
    const counts = new Map<number, number>();
    for (let d = 0; d < n; d++) {
      const doc = corpus[docIds[d]!]!;
      const tokens = analyze(`${doc.title} ${doc.text}`, analyzer);
      docLengths[d] = tokens.length;
      counts.clear();
      for (const t of tokens) {
        let id = terms.get(t);
        if (id === undefined) {
          id = terms.size;
          terms.set(t, id);
        }
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const [id, tf] of counts) {
        tripleTerm.push(id);
        tripleDoc.push(d);
        tripleTf.push(tf);
      }
      if ((d + 1) % 1000 === 0 || d + 1 === n)
        progress({ label: 'bm25 index', done: d + 1, total: n });
    }

    // Counting sort of the (term, doc, tf) triples by term into CSR; docs stay ascending.
    const numTerms = terms.size;
    const nnz = tripleTerm.length;
    const offsets = new Int32Array(numTerms + 1);
    for (let i = 0; i < nnz; i++) offsets[tripleTerm.data[i]! + 1]!++;
    for (let t = 0; t < numTerms; t++) offsets[t + 1]! += offsets[t]!;
    const fill = offsets.slice(0, numTerms);
    const postDocs = new Int32Array(nnz);
    const postTf = new Float32Array(nnz);
    for (let i = 0; i < nnz; i++) {
      const at = fill[tripleTerm.data[i]!]!++;
      postDocs[at] = tripleDoc.data[i]!;
      postTf[at] = tripleTf.data[i]!;
    }
    return new Bm25Index(
      docIds,
      terms,
      offsets,
      postDocs,
      postTf,
      docLengths,
      k1,
      b,
      analyzer,
      luceneLengths,
    );
  }

  get numDocs(): number {
    return this.docIds.length;
  }

  get numTerms(): number {
    return this.terms.size;
  }

  /** Lucene's idf of an analysed term (0 for a term not in the index). */
  idf(term: string): number {
    const t = this.terms.get(term);
    if (t === undefined) return 0;
    const df = this.offsets[t + 1]! - this.offsets[t]!;
    return Math.log(1 + (this.numDocs - df + 0.5) / (df + 0.5));
  }

  /**
   * The best `k` documents for `query` as indices into `docIds` with scores, best first
   * (ties: lower index first). Fewer when fewer documents match.
   */
  searchIndices(query: string, k: number): { indices: Int32Array; scores: Float64Array } {
    const top = new TopK(k);
    const acc = this.acc;
    const touched: number[] = [];
    for (const term of analyze(query, this.analyzer)) {
      const t = this.terms.get(term);
      if (t === undefined) continue;
      const start = this.offsets[t]!;
      const end = this.offsets[t + 1]!;
      const idf = Math.log(1 + (this.numDocs - (end - start) + 0.5) / (end - start + 0.5));
      for (let p = start; p < end; p++) {
        const d = this.postDocs[p]!;
        const tf = this.postTf[p]!;
        if (acc[d] === 0) touched.push(d);
        acc[d]! += (idf * tf) / (tf + this.norms[d]!);
      }
    }
    for (const d of touched) {
      top.push(d, acc[d]!);
      acc[d] = 0;
    }
    return top.sorted();
  }

  /** The best `k` documents for `query`, best first, with their BM25 scores. */
  search(query: string, k: number): Bm25Hit[] {
    const { indices, scores } = this.searchIndices(query, k);
    return Array.from(indices, (d, i) => ({ id: this.docIds[d]!, score: scores[i]! }));
  }

  /** Searches every query; returns a Run (query id → doc id → score) of up to `k` docs each. */
  searchAll(queries: Queries, k: number, progress: ProgressSink = silentProgress): Run {
    // No prototype: a query or document id such as "__proto__" is an ordinary key.
    const run = emptyRecord<Record<string, number>>();
    const ids = Object.keys(queries);
    ids.forEach((qid, i) => {
      const docs = emptyRecord<number>();
      for (const hit of this.search(queries[qid]!.text, k)) docs[hit.id] = hit.score;
      run[qid] = docs;
      if ((i + 1) % 500 === 0 || i + 1 === ids.length)
        progress({ label: 'bm25 search', done: i + 1, total: ids.length });
    });
    return run;
  }
}
