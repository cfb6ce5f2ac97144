import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { GRID_PRESETS, notebookGrid, planGrid } from '../../src/experiment/index.js';
import { MODEL_SHAPES } from '../../src/train/index.js';

describe('notebookGrid', () => {
  it('is the quick preset on the quick WordNet build unless KALELAB_QUICK=1', () => {
    const nb = notebookGrid({}, 'repo');
    expect(nb.quick).toBe(false);
    expect(nb.dataset).toBe('wordnet-senses:quick');
    expect(nb.secondDataset).toBe('wordnet-definitions:quick');
    expect(nb.options).toEqual(GRID_PRESETS.quick);
    expect(nb.out).toBe(resolve(join('repo', 'out', 'notebook-runs', 'preset')));
  });

  it('in quick mode is the quick grid on a sample with a 2-layer, 128-wide model pruned to 1, KALE only', () => {
    const nb = notebookGrid({ KALELAB_QUICK: '1' }, 'repo');
    expect(nb.quick).toBe(true);
    expect(nb.dataset).toBe('wordnet-senses:quick,maxQueries=1800');
    expect(nb.out).toBe(resolve(join('repo', 'out', 'notebook-runs', 'quick')));
    expect(nb.options.model).toEqual(MODEL_SHAPES['L2-H128']);
    expect(nb.options.train).toEqual(GRID_PRESETS.quick.train);
    expect(nb.options.kale).toEqual(GRID_PRESETS.quick.kale);
    const plan = planGrid(nb.options, { name: 'wordnet-senses', mainMetric: 'mrr@10' });
    expect(plan.rows.map((r) => r.id)).toEqual([
      'bm25',
      'full',
      'pruned-q1',
      'kale-kl-q1',
      'half-depth',
      'asym-q1',
    ]);
  });
});
