import { describe, expect, it } from 'vitest';
import { normalizeRows } from '../../src/util/index.js';

describe('normalizeRows', () => {
  it('scales each row to unit L2 norm and leaves zero rows at zero', () => {
    const v = normalizeRows(Float32Array.from([3, 4, 0, 0, 0, -2]), 2);
    expect([...v]).toEqual([0.6000000238418579, 0.800000011920929, 0, 0, 0, -1]);
  });
});
