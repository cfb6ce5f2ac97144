/** Paths and parsers for the trec_eval oracle files copied into test/fixtures/eval. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/eval/', import.meta.url));
export const QRELS = FIXTURES + 'qrels.txt';
export const RUN = FIXTURES + 'run.txt';

export interface ExpectedQuery {
  in_qrels: boolean;
  in_run: boolean;
  trec_eval_ranking?: string[];
  trec_eval?: Record<string, number>;
  mrr_at_10?: number;
  topk_accuracy?: Record<string, number>;
  evaluated_by_trec_eval_default?: boolean;
}

export interface Expected {
  queries: Record<string, ExpectedQuery>;
  aggregates: {
    trec_eval_default: { num_q: number; values: Record<string, number> };
    trec_eval_complete: { num_q: number; values: Record<string, number> };
    mrr_at_10_msmarco: { value: number; num_q: number; queries: string[] };
    topk_accuracy: { values: Record<string, number>; queries: string[] };
  };
}

export function loadExpected(): Expected {
  return JSON.parse(readFileSync(FIXTURES + 'expected_metrics.json', 'utf8')) as Expected;
}

/** trec_eval measure name → kalelab metric name, for the measures kalelab implements. */
export function kalelabName(trecName: string): string | undefined {
  if (trecName === 'map' || trecName === 'recip_rank') return trecName;
  const m = /^(ndcg_cut|P|recall|success)_(\d+)$/.exec(trecName);
  if (!m) return undefined;
  const family = { ndcg_cut: 'ndcg', P: 'p', recall: 'recall', success: 'success' }[m[1]!];
  return `${family}@${m[2]}`;
}

/** Raw `trec_eval -q` output → qid ("all" for the aggregate) → kalelab metric → value. */
export function parseTrecEvalOutput(file: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const line of readFileSync(FIXTURES + file, 'utf8').split('\n')) {
    const [rawName, qid, value] = line.split('\t').map((s) => s.trim());
    if (!rawName || !qid || value === undefined) continue;
    const name = kalelabName(rawName);
    if (!name) continue;
    if (!out.has(qid)) out.set(qid, new Map());
    out.get(qid)!.set(name, Number(value));
  }
  return out;
}
