/**
 * Metric names: parsing, validation and the list of allowed names. A name is either a
 * fixed one (`map`, `recip_rank`) or a family with a positive integer cut-off
 * (`ndcg@10`, `recall@100`, ...). trec_eval's spellings (`ndcg_cut_10`, `P_10`,
 * `recall_100`, `success_10`) are accepted as aliases and canonicalised to kalelab's.
 * Unknown names throw, listing what is allowed; nothing is silently dropped.
 */

/** Families that take a cut-off `@K`. */
export type CutoffFamily = 'ndcg' | 'mrr' | 'recall' | 'accuracy' | 'p' | 'success';
/** Metrics without a cut-off. */
export type PlainMetric = 'map' | 'recip_rank';

export type MetricSpec =
  | { readonly name: string; readonly family: CutoffFamily; readonly k: number }
  | { readonly name: string; readonly family: PlainMetric; readonly k?: undefined };

const CUTOFF_FAMILIES: readonly CutoffFamily[] = Object.freeze([
  'ndcg',
  'mrr',
  'recall',
  'accuracy',
  'p',
  'success',
]);
const PLAIN: readonly PlainMetric[] = Object.freeze(['map', 'recip_rank']);

/** trec_eval measure prefixes → kalelab family (`ndcg_cut_10` → `ndcg@10`). */
const TREC_EVAL_ALIASES: Readonly<Record<string, CutoffFamily>> = Object.freeze({
  ndcg_cut_: 'ndcg',
  recall_: 'recall',
  p_: 'p',
  success_: 'success',
});

/** Human-readable list of allowed names, for error messages and help texts. */
export const ALLOWED_METRICS =
  'ndcg@K, mrr@K, recall@K, accuracy@K, p@K, success@K, map, recip_rank ' +
  '(K a positive integer; trec_eval spellings ndcg_cut_K, P_K, recall_K, success_K also accepted)';

function unknown(name: string, why: string): Error {
  return new Error(`unknown metric "${name}" (${why}); allowed: ${ALLOWED_METRICS}`);
}

function parseCutoff(name: string, text: string): number {
  if (!/^[1-9][0-9]*$/.test(text))
    throw unknown(name, `cut-off "${text}" is not a positive integer`);
  const k = Number(text);
  // Past 2^53 − 1 a double rounds (2^53 + 1 reads as 2^53): the canonical name would differ.
  if (!Number.isSafeInteger(k)) throw unknown(name, `cut-off "${text}" is above 2^53 - 1`);
  return k;
}

/** Parses one metric name (case-insensitive, trimmed) into its canonical spec. */
export function parseMetric(name: string): MetricSpec {
  const s = name.trim().toLowerCase();
  if ((PLAIN as readonly string[]).includes(s)) return { name: s, family: s as PlainMetric };
  const at = s.indexOf('@');
  if (at >= 0) {
    const family = s.slice(0, at);
    if (!(CUTOFF_FAMILIES as readonly string[]).includes(family)) {
      throw unknown(name, `no metric family "${family}"`);
    }
    const k = parseCutoff(name, s.slice(at + 1));
    return { name: `${family}@${k}`, family: family as CutoffFamily, k };
  }
  for (const [prefix, family] of Object.entries(TREC_EVAL_ALIASES)) {
    if (s.startsWith(prefix)) {
      const k = parseCutoff(name, s.slice(prefix.length));
      return { name: `${family}@${k}`, family, k };
    }
  }
  throw unknown(name, 'not a metric name');
}

/** Parses a list of names (or one comma-separated string); throws on an empty list or a duplicate. */
export function parseMetrics(names: readonly string[] | string): MetricSpec[] {
  const list = typeof names === 'string' ? names.split(',') : [...names];
  const specs = list.filter((n) => n.trim() !== '').map(parseMetric);
  if (specs.length === 0) throw new Error(`no metrics given; allowed: ${ALLOWED_METRICS}`);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new Error(`metric "${spec.name}" is listed twice`);
    seen.add(spec.name);
  }
  return specs;
}
