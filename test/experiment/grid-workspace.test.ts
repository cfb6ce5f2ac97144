import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { gridOptions, openGridWorkspace } from '../../src/experiment/index.js';
import { disposeDualEncoder, dualParameters, type DualEncoder } from '../../src/train/index.js';
import { syntheticDataset, TINY_GRID } from './synthetic-dataset.js';
import { withTempDir } from '../temp-dir.js';

/** Every parameter of `dual`, by name, as plain numbers. */
function weights(dual: DualEncoder): Map<string, Float32Array> {
  return new Map(dualParameters(dual).map((p) => [p.name, p.variable.dataSync() as Float32Array]));
}

describe('GridWorkspace.untrained', () => {
  it('is the model as its training starts: the same every call, changed by training', async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('workspace', async (out) => {
      const options = gridOptions('quick', { ...TINY_GRID, backgroundTraining: false });
      const ws = await openGridWorkspace(syntheticDataset(), options, { out });
      try {
        const { dual: first, index } = await ws.untrained('full');
        const { dual: second, index: again } = await ws.untrained('full');
        const before = weights(first);
        expect(weights(second)).toEqual(before);
        // Its index is the untrained passage encoder's, made once and then loaded.
        expect(again.ids).toEqual(index.ids);
        expect(again.vectors).toEqual(index.vectors);
        // Its depths are the plan's: asym-q1 starts with a 1-layer query encoder.
        const { dual: asym } = await ws.untrained('asym-q1');
        expect(asym.query.config.numHiddenLayers).toBe(1);
        expect(asym.passage.config.numHiddenLayers).toBe(2);

        const trained = weights((await ws.model('full')).dual);
        expect([...trained.keys()]).toEqual([...before.keys()]);
        const changed = [...before].filter(([name, v]) =>
          v.some((x, i) => x !== trained.get(name)![i]),
        );
        expect(changed.length).toBeGreaterThan(before.size / 2);
        // Training the cached model left what `untrained` makes as it was.
        const { dual: third } = await ws.untrained('full');
        expect(weights(third)).toEqual(before);
        // The trained model's index differs from the untrained one's.
        const trainedIndex = await ws.index('full');
        expect(trainedIndex.vectors).not.toEqual(index.vectors);
        for (const d of [first, second, third, asym]) disposeDualEncoder(d);
      } finally {
        await ws.close();
      }
    });
  });

  it("names the plan's models only", async () => {
    await initBackend({ prefer: 'wasm', announce: false });
    await withTempDir('workspace', async (out) => {
      const options = gridOptions('quick', { ...TINY_GRID, backgroundTraining: false });
      const ws = await openGridWorkspace(syntheticDataset(), options, { out });
      try {
        await expect(ws.untrained('asym-q7')).rejects.toThrow(/asym-q7/);
      } finally {
        await ws.close();
      }
    });
  });
});
