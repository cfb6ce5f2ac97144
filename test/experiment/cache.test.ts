import { describe, expect, it } from 'vitest';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactRef, contentKey, isSealed, seal } from '../../src/experiment/index.js';
import { withTempDir } from '../temp-dir.js';

describe('contentKey', () => {
  it('hashes canonical JSON: key order and undefined fields do not matter, values do', () => {
    const a = contentKey({ lr: 1e-3, steps: 3, nested: { b: 1, a: [1, 2] } });
    expect(contentKey({ nested: { a: [1, 2], b: 1 }, steps: 3, lr: 1e-3, extra: undefined })).toBe(
      a,
    );
    expect(contentKey({ lr: 1e-3, steps: 4, nested: { b: 1, a: [1, 2] } })).not.toBe(a);
    expect(contentKey({ lr: 1e-3, steps: 3, nested: { b: 1, a: [2, 1] } })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    // sha256 of the canonical text, as sha256sum computes it: printf '{"a":"x","b":1}' | sha256sum
    expect(contentKey({ b: 1, a: 'x' })).toBe(
      'cdab067e9f3beb32d1252cfd63e492592fecbf591b0d08cadb24bb17f3864246',
    );
  });
});

describe('artifactRef', () => {
  it('names the folder by kind, readable name and key prefix; the kind is part of the key', () => {
    const ref = artifactRef('root', 'models', 'asym+kale q1', { x: 1 });
    expect(ref.key).toBe(contentKey({ kind: 'models', content: { x: 1 } }));
    expect(ref.dir).toBe(join('root', 'models', `asym+kale_q1-${ref.key.slice(0, 16)}`));
    expect(ref.checkpoint).toBe(
      join('root', 'checkpoints', `models-asym+kale_q1-${ref.key.slice(0, 16)}`),
    );
    expect(artifactRef('root', 'index', 'asym+kale q1', { x: 1 }).key).not.toBe(ref.key);
  });

  it('is made only once sealed; a seal of other content is an error naming the folder', async () => {
    await withTempDir('cache', async (root) => {
      const ref = artifactRef(root, 'evals', 'full', { x: 1 });
      expect(await isSealed(ref)).toBe(false);
      await mkdir(ref.dir, { recursive: true });
      expect(await isSealed(ref)).toBe(false); // work in progress
      await seal(ref);
      expect(await isSealed(ref)).toBe(true);
      await writeFile(join(ref.dir, 'key.json'), JSON.stringify({ key: 'other' }));
      await expect(isSealed(ref)).rejects.toThrow(
        `sealed with key other, expected ${ref.key}; remove ${ref.dir} to remake it`,
      );
      await writeFile(join(ref.dir, 'key.json'), '{');
      await expect(isSealed(ref)).rejects.toThrow('key.json: not valid JSON');
    });
  });
});
