/**
 * A typed-array fast path for per-query metrics on large runs (a million queries): the run
 * and qrels packed once into flat arrays, then the cut-off metrics read only each query's
 * top K documents, found by a single pass with a small insertion buffer instead of a full
 * sort. Gives the same values as eval/metrics.ts's evaluateRun with `complete: true`
 * (test/eval/compare/packed-eval.test.ts checks it on the trec_eval oracle and on random
 * runs with ties): trec_eval order (score descending, ties by doc id descending in byte
 * order), linear-gain nDCG, MS MARCO mrr@K over queries with a relevant document.
 *
 * Document ids become integers whose order is the ids' byte order, so ties break as
 * trec_eval's without comparing strings. `map` and `recip_rank` need the full ranking and
 * use K = the query's length.
 */
import type { Qrels, Run } from '../../data/types.js';
import { RELEVANT_GRADE } from '../judged.js';
import { parseMetrics, type MetricSpec } from '../metric-names.js';
import { compareBytes } from '../ranking.js';

/** A run's documents per query, query i's in [offsets[i], offsets[i+1]). */
export interface PackedRun {
  readonly offsets: Int32Array; // [Q + 1]
  readonly docs: Int32Array; // [N] doc ids as order-preserving integers
  readonly scores: Float64Array; // [N]
}

/** Judgements per query, aligned with a PackedRun's queries. */
export interface PackedQrels {
  readonly offsets: Int32Array; // [Q + 1]
  readonly docs: Int32Array; // [J]
  readonly grades: Int32Array; // [J]
}

export interface Packed {
  /** The qrels' query ids, sorted: query i of `run` and `qrels`. */
  readonly queries: readonly string[];
  readonly run: PackedRun;
  readonly qrels: PackedQrels;
}

/** Packs qrels and a run over the qrels' queries (a query missing from the run has no documents). */
export function packRun(qrels: Qrels, run: Run): Packed {
  const queries = Object.keys(qrels).sort();
  const ids = new Set<string>();
  for (const q of queries) {
    for (const d of Object.keys(qrels[q]!)) ids.add(d);
    if (Object.hasOwn(run, q)) for (const d of Object.keys(run[q]!)) ids.add(d);
  }
  // Without code units ≥ U+D800 the native UTF-16 order is the byte order, and much faster.
  const sorted = [...ids];
  if (sorted.some((id) => /[\uD800-\uFFFF]/.test(id))) sorted.sort(compareBytes);
  else sorted.sort();
  const code = new Map(sorted.map((id, i) => [id, i]));
  const runOffsets = new Int32Array(queries.length + 1);
  const qrelsOffsets = new Int32Array(queries.length + 1);
  queries.forEach((q, i) => {
    runOffsets[i + 1] = runOffsets[i]! + (Object.hasOwn(run, q) ? Object.keys(run[q]!).length : 0);
    qrelsOffsets[i + 1] = qrelsOffsets[i]! + Object.keys(qrels[q]!).length;
  });
  const docs = new Int32Array(runOffsets[queries.length]!);
  const scores = new Float64Array(docs.length);
  const judged = new Int32Array(qrelsOffsets[queries.length]!);
  const grades = new Int32Array(judged.length);
  queries.forEach((q, i) => {
    let at = runOffsets[i]!;
    if (Object.hasOwn(run, q)) {
      for (const [d, s] of Object.entries(run[q]!)) {
        docs[at] = code.get(d)!;
        scores[at++] = s;
      }
    }
    at = qrelsOffsets[i]!;
    for (const [d, g] of Object.entries(qrels[q]!)) {
      judged[at] = code.get(d)!;
      grades[at++] = g;
    }
  });
  return {
    queries,
    run: { offsets: runOffsets, docs, scores },
    qrels: { offsets: qrelsOffsets, docs: judged, grades },
  };
}

/** Indices of the best `k` documents of [start, end), best first, in trec_eval order. */
function topK(run: PackedRun, start: number, end: number, k: number, out: Int32Array): number {
  const { scores, docs } = run;
  if (k >= end - start) {
    // The whole ranking (map, recip_rank): a comparison sort beats insertion on long lists.
    const all = out.subarray(0, end - start);
    for (let i = start; i < end; i++) all[i - start] = i;
    all.sort((x, y) => scores[y]! - scores[x]! || docs[y]! - docs[x]!);
    return all.length;
  }
  let n = 0;
  for (let i = start; i < end; i++) {
    const s = scores[i]!;
    const d = docs[i]!;
    if (n === k) {
      const w = out[k - 1]!;
      if (s < scores[w]! || (s === scores[w]! && d < docs[w]!)) continue;
      n--;
    }
    let j = n++;
    while (j > 0) {
      const p = out[j - 1]!;
      if (scores[p]! > s || (scores[p]! === s && docs[p]! > d)) break;
      out[j] = p;
      j--;
    }
    out[j] = i;
  }
  return n;
}

function gradeOf(qrels: PackedQrels, start: number, end: number, doc: number): number {
  for (let j = start; j < end; j++) if (qrels.docs[j] === doc) return qrels.grades[j]!;
  return 0;
}

export interface PackedEvaluation {
  /** metric → mean over its query set (as evaluateRun's `aggregate` with complete: true). */
  readonly aggregate: Record<string, number>;
  /** metric → value per packed query; 0 for a query outside the metric's set. */
  readonly perQuery: Record<string, Float64Array>;
  /** metric → queries in the mean. */
  readonly numQueries: Record<string, number>;
}

function value(
  spec: MetricSpec,
  grades: Int32Array,
  n: number,
  numRelevant: number,
  idealGains: Int32Array,
  numIdeal: number,
): number {
  const k = spec.k ?? n;
  const end = Math.min(k, n);
  switch (spec.family) {
    case 'ndcg': {
      let ideal = 0;
      for (let i = 0; i < Math.min(k, numIdeal); i++) ideal += idealGains[i]! / Math.log2(i + 2);
      if (ideal === 0) return 0;
      let dcg = 0;
      for (let i = 0; i < end; i++) if (grades[i]! > 0) dcg += grades[i]! / Math.log2(i + 2);
      return dcg / ideal;
    }
    case 'mrr':
    case 'recip_rank': {
      for (let i = 0; i < end; i++) if (grades[i]! >= RELEVANT_GRADE) return 1 / (i + 1);
      return 0;
    }
    case 'map': {
      if (numRelevant === 0) return 0;
      let seen = 0;
      let sum = 0;
      for (let i = 0; i < n; i++) if (grades[i]! >= RELEVANT_GRADE) sum += ++seen / (i + 1);
      return sum / numRelevant;
    }
    default: {
      let hits = 0;
      for (let i = 0; i < end; i++) if (grades[i]! >= RELEVANT_GRADE) hits++;
      if (spec.family === 'recall') return numRelevant === 0 ? 0 : hits / numRelevant;
      if (spec.family === 'p') return hits / k;
      return hits > 0 ? 1 : 0; // success, accuracy
    }
  }
}

/** Evaluates a packed run on `metrics`; see the file header for the semantics. */
export function evaluatePacked(packed: Packed, metrics: readonly string[]): PackedEvaluation {
  const specs = parseMetrics(metrics);
  const full = specs.some((s) => s.k === undefined);
  const depth = Math.max(...specs.map((s) => s.k ?? 0));
  const { run, qrels } = packed;
  const q = packed.queries.length;
  const perQuery = Object.fromEntries(specs.map((s) => [s.name, new Float64Array(q)]));
  const sums = new Float64Array(specs.length);
  const counts = new Int32Array(specs.length);
  let buffer = new Int32Array(Math.max(depth, 1)); // [K] run indices of the top documents
  let gradeBuffer = new Int32Array(buffer.length); // [K] their grades
  let ideal = new Int32Array(16); // [J] the query's positive grades, descending
  const columns = specs.map((spec) => perQuery[spec.name]!);
  for (let i = 0; i < q; i++) {
    const start = run.offsets[i]!;
    const end = run.offsets[i + 1]!;
    const k = full ? end - start : depth;
    if (buffer.length < k) {
      buffer = new Int32Array(k);
      gradeBuffer = new Int32Array(k);
    }
    const n = topK(run, start, end, k, buffer);
    const js = qrels.offsets[i]!;
    const je = qrels.offsets[i + 1]!;
    for (let r = 0; r < n; r++) gradeBuffer[r] = gradeOf(qrels, js, je, run.docs[buffer[r]!]!);
    // Positive grades sorted descending (insertion: a query has few judgements).
    let numRelevant = 0;
    let numIdeal = 0;
    if (ideal.length < je - js) ideal = new Int32Array(je - js);
    for (let j = js; j < je; j++) {
      const g = qrels.grades[j]!;
      if (g >= RELEVANT_GRADE) numRelevant++;
      if (g <= 0) continue;
      let at = numIdeal++;
      while (at > 0 && ideal[at - 1]! < g) {
        ideal[at] = ideal[at - 1]!;
        at--;
      }
      ideal[at] = g;
    }
    for (let m = 0; m < specs.length; m++) {
      const spec = specs[m]!;
      // mrr@K and accuracy@K average over the queries with a relevant document only.
      if ((spec.family === 'mrr' || spec.family === 'accuracy') && numRelevant === 0) continue;
      const v = value(spec, gradeBuffer, n, numRelevant, ideal, numIdeal);
      columns[m]![i] = v;
      sums[m] = sums[m]! + v;
      counts[m] = counts[m]! + 1;
    }
  }
  const aggregate: Record<string, number> = {};
  const numQueries: Record<string, number> = {};
  specs.forEach((s, m) => {
    aggregate[s.name] = counts[m] === 0 ? 0 : sums[m]! / counts[m]!;
    numQueries[s.name] = counts[m]!;
  });
  return { aggregate, perQuery, numQueries };
}
