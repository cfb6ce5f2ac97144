import { describe, expect, it } from 'vitest';
import {
  GRID_PRESETS,
  gridOptions,
  planGrid,
  type PlannedRow,
} from '../../src/experiment/index.js';

const info = { name: 'd', mainMetric: 'mrr@10' };

/** id → [method, q/p layers, query source, index, compared with, recovery] in one line each. */
function summary(rows: readonly PlannedRow[]): string[] {
  const source = (s: PlannedRow['query']) =>
    s === null
      ? '-'
      : s.kind === 'trained'
        ? `trained(${s.model})`
        : s.kind === 'pruned'
          ? `pruned(${s.model},[${s.keptLayers.join(',')}])`
          : `aligned(${s.model},[${s.keptLayers.join(',')}],${s.loss})`;
  return rows.map(
    (r) =>
      `${r.id} ${r.method} ${r.queryLayers}/${r.passageLayers} ${source(r.query)} ` +
      `index=${r.index ?? '-'} vs=${r.comparedWith ?? '-'}` +
      (r.recovery ? ` rec=${r.recovery.teacher}:${source(r.recovery.pruned)}` : ''),
  );
}

describe('planGrid', () => {
  it('plans the quick preset: L=4, k ∈ {1,2}, three losses, asym+kale at 1 taught by asym-q2', () => {
    const plan = planGrid(GRID_PRESETS.quick, info);
    expect(plan.fullLayers).toBe(4);
    expect(plan.models).toEqual([
      { name: 'full', queryLayers: 4, passageLayers: 4 },
      { name: 'half-2', queryLayers: 2, passageLayers: 2 },
      { name: 'asym-q1', queryLayers: 1, passageLayers: 4 },
      { name: 'asym-q2', queryLayers: 2, passageLayers: 4 },
    ]);
    expect(summary(plan.rows)).toEqual([
      'bm25 bm25 0/0 - index=- vs=-',
      'full full 4/4 trained(full) index=full vs=-',
      'pruned-q1 pruned 1/4 pruned(full,[0]) index=full vs=full',
      'kale-kl-q1 kale-kl 1/4 aligned(full,[0],kl) index=full vs=pruned-q1 rec=full:pruned(full,[0])',
      'kale-mse-q1 kale-mse 1/4 aligned(full,[0],mse) index=full vs=pruned-q1 rec=full:pruned(full,[0])',
      'kale-cosine-q1 kale-cosine 1/4 aligned(full,[0],cosine) index=full vs=pruned-q1 rec=full:pruned(full,[0])',
      'pruned-q2 pruned 2/4 pruned(full,[0,3]) index=full vs=full',
      'kale-kl-q2 kale-kl 2/4 aligned(full,[0,3],kl) index=full vs=pruned-q2 rec=full:pruned(full,[0,3])',
      'kale-mse-q2 kale-mse 2/4 aligned(full,[0,3],mse) index=full vs=pruned-q2 rec=full:pruned(full,[0,3])',
      'kale-cosine-q2 kale-cosine 2/4 aligned(full,[0,3],cosine) index=full vs=pruned-q2 rec=full:pruned(full,[0,3])',
      'half-depth half-depth 2/2 trained(half-2) index=half-2 vs=full',
      'asym-q1 asym 1/4 trained(asym-q1) index=asym-q1 vs=full',
      'asym-q2 asym 2/4 trained(asym-q2) index=asym-q2 vs=full',
      'asym+kale-q1 asym+kale 1/4 aligned(asym-q2,[0],kl) index=asym-q2 vs=asym-q2 rec=asym-q2:pruned(asym-q2,[0])',
    ]);
  });

  it('plans the full preset: L=6, k ∈ {1,2,3}; each asym+kale is taught by the next deeper asym', () => {
    const plan = planGrid(GRID_PRESETS.full, info);
    expect(plan.models.map((m) => `${m.name} ${m.queryLayers}/${m.passageLayers}`)).toEqual([
      'full 6/6',
      'half-3 3/3',
      'asym-q1 1/6',
      'asym-q2 2/6',
      'asym-q3 3/6',
    ]);
    const lines = summary(plan.rows);
    expect(lines.length).toBe(2 + 3 * 4 + 1 + 3 + 2);
    expect(lines.filter((l) => l.startsWith('pruned-'))).toEqual([
      'pruned-q1 pruned 1/6 pruned(full,[0]) index=full vs=full',
      'pruned-q2 pruned 2/6 pruned(full,[0,5]) index=full vs=full',
      'pruned-q3 pruned 3/6 pruned(full,[0,2,5]) index=full vs=full',
    ]);
    expect(lines.filter((l) => l.startsWith('asym+kale'))).toEqual([
      'asym+kale-q1 asym+kale 1/6 aligned(asym-q2,[0],kl) index=asym-q2 vs=asym-q2 rec=asym-q2:pruned(asym-q2,[0])',
      'asym+kale-q2 asym+kale 2/6 aligned(asym-q3,[0,2],kl) index=asym-q3 vs=asym-q3 rec=asym-q3:pruned(asym-q3,[0,2])',
    ]);
    expect(lines).toContain('half-depth half-depth 3/3 trained(half-3) index=half-3 vs=full');
  });

  it('takes the next deeper depth as teacher even when depths are given unsorted or with gaps', () => {
    const plan = planGrid({ ...GRID_PRESETS.full, queryDepths: [4, 1], alignLosses: [] }, info);
    const asymKale = plan.rows.filter((r) => r.method === 'asym+kale');
    expect(asymKale.map((r) => [r.id, r.comparedWith, r.query])).toEqual([
      [
        'asym+kale-q1',
        'asym-q4',
        { kind: 'aligned', model: 'asym-q4', keptLayers: [0], loss: 'kl' },
      ],
    ]);
    expect(plan.rows.map((r) => r.id)).toEqual([
      'bm25',
      'full',
      'pruned-q1',
      'pruned-q4',
      'half-depth',
      'asym-q1',
      'asym-q4',
      'asym+kale-q1',
    ]);
  });

  it('plans only bm25, full and the pruning rows when asymmetric and half-depth are off', () => {
    const plan = planGrid(
      gridOptions('quick', {
        queryDepths: [1],
        alignLosses: ['kl+mse'],
        asymmetric: false,
        halfDepth: false,
      }),
      info,
    );
    expect(plan.models.map((m) => m.name)).toEqual(['full']);
    expect(summary(plan.rows)).toEqual([
      'bm25 bm25 0/0 - index=- vs=-',
      'full full 4/4 trained(full) index=full vs=-',
      'pruned-q1 pruned 1/4 pruned(full,[0]) index=full vs=full',
      'kale-kl+mse-q1 kale-kl+mse 1/4 aligned(full,[0],kl+mse) index=full vs=pruned-q1 rec=full:pruned(full,[0])',
    ]);
  });

  it('uses the init checkpoint depth when given, and a single depth has no asym+kale row', () => {
    const plan = planGrid({ ...GRID_PRESETS.quick, queryDepths: [6] }, { ...info, fullLayers: 12 });
    expect(plan.fullLayers).toBe(12);
    expect(plan.rows.find((r) => r.id === 'pruned-q6')!.query).toEqual({
      kind: 'pruned',
      model: 'full',
      keptLayers: [0, 2, 4, 6, 8, 11], // the paper's 6-of-12 map
    });
    expect(plan.rows.find((r) => r.id === 'half-depth')!.queryLayers).toBe(6);
    expect(plan.rows.some((r) => r.method === 'asym+kale')).toBe(false);
  });

  it('gives every row a unique id and compares only with rows of the plan', () => {
    for (const preset of Object.values(GRID_PRESETS)) {
      const plan = planGrid(preset, info);
      const ids = plan.rows.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      const names = new Set(plan.models.map((m) => m.name));
      for (const r of plan.rows) {
        if (r.comparedWith !== null) expect(ids).toContain(r.comparedWith);
        if (r.recovery) expect(ids).toContain(r.recovery.teacher);
        if (r.index !== null) expect(names).toContain(r.index);
        if (r.query) expect(names).toContain(r.query.model);
      }
    }
  });

  it('refuses a depth the full model cannot be pruned to', () => {
    expect(() => planGrid({ ...GRID_PRESETS.quick, queryDepths: [4] }, info)).toThrow(
      'GridOptions.queryDepths: 4 must be an integer in 1…3 (the full model has 4 layers)',
    );
    expect(() => planGrid({ ...GRID_PRESETS.quick, queryDepths: [1.5] }, info)).toThrow(
      'queryDepths: 1.5',
    );
  });
});
