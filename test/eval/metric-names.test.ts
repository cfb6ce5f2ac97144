import { describe, expect, it } from 'vitest';
import { parseMetric, parseMetrics } from '../../src/eval/metric-names.js';

describe('parseMetric', () => {
  it('canonicalises names and trec_eval spellings', () => {
    expect(parseMetric(' NDCG@10 ')).toEqual({ name: 'ndcg@10', family: 'ndcg', k: 10 });
    expect(parseMetric('ndcg_cut_10')).toEqual({ name: 'ndcg@10', family: 'ndcg', k: 10 });
    expect(parseMetric('P_5')).toEqual({ name: 'p@5', family: 'p', k: 5 });
    expect(parseMetric('recip_rank')).toEqual({ name: 'recip_rank', family: 'recip_rank' });
  });

  it('keeps the largest exact cut-off, 2^53 - 1', () => {
    expect(parseMetric('recall@9007199254740991').k).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseMetric('recall_9007199254740991').name).toBe('recall@9007199254740991');
  });

  it('refuses a cut-off past 2^53 - 1 instead of rounding it', () => {
    // 2^53 + 1 reads as 2^53 in a double: the name would silently change.
    for (const name of ['recall@9007199254740993', 'ndcg_cut_9007199254740992', 'p@1e400'])
      expect(() => parseMetric(name)).toThrow(/unknown metric ".*"/);
    expect(() => parseMetric('recall@9007199254740993')).toThrow(
      /cut-off "9007199254740993" is above 2\^53 - 1/,
    );
    expect(() => parseMetric('mrr@99999999999999999999999')).toThrow(/above 2\^53 - 1/);
  });

  it('refuses unknown families and non-integer cut-offs', () => {
    expect(() => parseMetric('bleu@4')).toThrow(/no metric family "bleu"/);
    expect(() => parseMetric('ndcg@0')).toThrow(/cut-off "0" is not a positive integer/);
    expect(() => parseMetric('ndcg@1.5')).toThrow(/not a positive integer/);
  });
});

describe('parseMetrics', () => {
  it('reads a comma-separated list and refuses duplicates after canonicalisation', () => {
    expect(parseMetrics('ndcg@10, map').map((m) => m.name)).toEqual(['ndcg@10', 'map']);
    expect(() => parseMetrics(['ndcg@10', 'ndcg_cut_10'])).toThrow(/"ndcg@10" is listed twice/);
    expect(() => parseMetrics(' , ')).toThrow(/no metrics given/);
  });
});
