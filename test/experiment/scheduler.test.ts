import { describe, expect, it } from 'vitest';
import { backgroundModels, gridOptions, planGrid } from '../../src/experiment/index.js';

const m = (name: string, queryLayers: number, passageLayers: number) => ({
  name,
  queryLayers,
  passageLayers,
});

describe('backgroundModels', () => {
  it("shares the standard grid's models: both asymmetric ones ahead, half-depth on the main thread", () => {
    const plan = planGrid(gridOptions('standard'), { name: 'd', mainMetric: 'mrr@10' });
    expect(plan.models.map((x) => x.name)).toEqual(['full', 'half-2', 'asym-q1', 'asym-q2']);
    // step layers (q + 2p): full 12 stays; asym-q2 10 -> worker (0 ≤ 12); asym-q1 9 -> worker
    // (10 ≤ 12); half-2 6 -> main (19 > 12): 18 on the main thread, 19 on the worker.
    expect(backgroundModels(plan.models)).toEqual(['asym-q2', 'asym-q1']);
  });

  it('gives the worker the first model when the full one is already made, never the full one', () => {
    expect(backgroundModels([m('half-2', 2, 2), m('asym-q1', 1, 4)])).toEqual(['asym-q1']);
    expect(backgroundModels([m('full', 4, 4)])).toEqual([]);
    expect(backgroundModels([m('full', 4, 4), m('half-2', 2, 2)])).toEqual(['half-2']);
  });
});
