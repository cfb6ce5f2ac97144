import { describe, expect, it } from 'vitest';
import {
  gridKeys,
  gridOptions,
  planGrid,
  type GridKeys,
  type GridOptions,
  type KeySettings,
} from '../../src/experiment/index.js';

const info = { name: 'd', mainMetric: 'mrr@10' };

/** Every key of the grid, by a readable label. */
function allKeys(options: GridOptions, over: Partial<KeySettings> = {}): Map<string, string> {
  const plan = planGrid(options, info);
  const keys: GridKeys = gridKeys(plan, {
    root: 'out/d',
    dataset: 'fingerprint-1',
    options,
    init: null,
    wordVectors: null,
    ...over,
  });
  const out = new Map<string, string>([['vocab', keys.vocab.key]]);
  for (const m of plan.models) {
    out.set(`model ${m.name}`, keys.model(m.name).key);
    out.set(`index ${m.name}`, keys.index(m.name).key);
    out.set(`index ${m.name} (untrained)`, keys.untrainedIndex(m.name).key);
  }
  for (const r of plan.rows) {
    out.set(`eval ${r.id}`, keys.evaluation(r.query, r.index).key);
    out.set(`row ${r.id}`, keys.row(r).key);
  }
  return out;
}

/** Labels whose key differs between two grids. */
function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((k) => a.get(k) !== b.get(k)).sort();
}

const base = gridOptions('quick', { queryDepths: [1, 2], alignLosses: ['kl', 'mse'] });
const before = allKeys(base);

describe('gridKeys', () => {
  it('gives every artifact its own key', () => {
    const values = [...before.values()];
    expect(new Set(values).size).toBe(values.length);
  });

  it('a training option changes every model, index, evaluation and row but BM25 and the vocabulary', () => {
    const after = allKeys({ ...base, train: { ...base.train, lr: 5e-4 } });
    expect(changed(before, after)).toEqual(
      [...before.keys()].filter((k) => !['vocab', 'eval bm25', 'row bm25'].includes(k)).sort(),
    );
  });

  it('one data-parallel worker keeps the single-process keys; two workers change the models', () => {
    expect(changed(before, allKeys({ ...base, train: { ...base.train, workers: 1 } }))).toEqual([]);
    const two = allKeys({ ...base, train: { ...base.train, workers: 2 } });
    expect(changed(before, two)).toContain('model full');
  });

  it('an alignment option changes only the aligned rows (asym+kale included)', () => {
    const after = allKeys({ ...base, kale: { ...base.kale, temperature: 2 } });
    expect(changed(before, after)).toEqual([
      'eval asym+kale-q1',
      'eval kale-kl-q1',
      'eval kale-kl-q2',
      'eval kale-mse-q1',
      'eval kale-mse-q2',
      'row asym+kale-q1',
      'row kale-kl-q1',
      'row kale-kl-q2',
      'row kale-mse-q1',
      'row kale-mse-q2',
    ]);
  });

  it('the same options spelled out (defaults, order) or only logging changed give the same keys', () => {
    const spelled = { ...base.train, temperature: 1, negatives: 'hard' as const, logEvery: 3 };
    expect(changed(before, allKeys({ ...base, train: spelled }))).toEqual([]);
    expect(
      changed(before, allKeys({ ...base, kale: { ...base.kale, checkpointEvery: 7 } })),
    ).toEqual([]);
  });

  it('the dataset, the word vectors and the evaluation size each reach what they feed', () => {
    const dataset = changed(before, allKeys(base, { dataset: 'fingerprint-2' }));
    expect(dataset).toEqual([...before.keys()].sort());
    const words = changed(before, allKeys(base, { wordVectors: 'wink' }));
    expect(words).toEqual(changed(before, allKeys({ ...base, seed: 7 })));
    expect(words).not.toContain('vocab');
    const evalSize = changed(before, allKeys({ ...base, maxEvalQueries: 10 }));
    expect(evalSize.every((k) => k.startsWith('eval ') || k.startsWith('row '))).toBe(true);
    expect(evalSize).toHaveLength(
      [...before.keys()].filter(
        (k) => !k.startsWith('model') && !k.startsWith('index') && k !== 'vocab',
      ).length,
    );
  });

  it('latency runs change the rows, not the evaluations', () => {
    const after = changed(before, allKeys({ ...base, latencyRuns: 3 }));
    expect(after.every((k) => k.startsWith('row '))).toBe(true);
    expect(after).toHaveLength([...before.keys()].filter((k) => k.startsWith('row ')).length);
  });

  it("a row's comparison is keyed: the row compared with and the metric compared on", () => {
    const settings = { root: 'r', dataset: 'f', options: base, init: null, wordVectors: null };
    const plan = planGrid(base, info);
    const keys = gridKeys(plan, settings);
    const kale = plan.rows.find((r) => r.id === 'kale-kl-q1')!;
    expect(keys.row({ ...kale, comparedWith: 'full' }).key).not.toBe(keys.row(kale).key);
    expect(keys.row({ ...kale, comparedWith: 'pruned-q1' }).key).toBe(keys.row(kale).key);
    // Another main metric (same data): every compared row anew, no evaluation, bm25 and full kept.
    const ndcgPlan = planGrid(base, { ...info, mainMetric: 'ndcg@10' });
    const ndcg = gridKeys(ndcgPlan, settings);
    const moved = plan.rows.filter((r) => keys.row(r).key !== ndcg.row(r).key).map((r) => r.id);
    expect(moved).toEqual(plan.rows.filter((r) => r.comparedWith !== null).map((r) => r.id));
    expect(moved).not.toContain('full');
    for (const r of plan.rows)
      expect(ndcg.evaluation(r.query, r.index).key).toBe(keys.evaluation(r.query, r.index).key);
  });

  it("the pruned baseline of kale-kl is the pruned row's own evaluation (made once)", () => {
    const plan = planGrid(base, info);
    const keys = gridKeys(plan, {
      root: 'r',
      dataset: 'f',
      options: base,
      init: null,
      wordVectors: null,
    });
    const kale = plan.rows.find((r) => r.id === 'kale-kl-q1')!;
    const pruned = plan.rows.find((r) => r.id === 'pruned-q1')!;
    expect(keys.evaluation(kale.recovery!.pruned, kale.index).key).toBe(
      keys.evaluation(pruned.query, pruned.index).key,
    );
  });

  it('the inference engine changes indexes, evaluations and dense rows, never a model', () => {
    expect(changed(before, allKeys(base, { engine: 'tfjs' }))).toEqual([]);
    const ort = allKeys(base, { engine: 'onnxruntime' });
    const moved = changed(before, ort);
    const labels = [...before.keys()];
    expect(moved).toEqual(
      labels.filter((k) => /^(index|eval|row) /.test(k) && !k.endsWith(' bm25')).sort(),
    );
    const plan = planGrid(base, info);
    const settings = { root: 'out/d', dataset: 'f', options: base, init: null, wordVectors: null };
    const tfjsKeys = gridKeys(plan, { ...settings, engine: 'tfjs' });
    const ortKeys = gridKeys(plan, { ...settings, engine: 'onnxruntime' });
    for (const r of plan.rows) {
      if (r.query?.kind !== 'aligned') continue; // teacher targets run on the engine
      expect(ortKeys.aligned(r.query).key).not.toBe(tfjsKeys.aligned(r.query).key);
    }
  });
});
