import { describe, expect, it } from 'vitest';
import {
  buildWordNetDataset,
  datasetFingerprint,
  WORDNET_PRESETS,
  type RetrievalDataset,
} from '../../src/data/index.js';

describe('WordNet quick preset (seed 42)', () => {
  /** Broken invariants as strings (empty when all hold); plain checks, one expect per dataset. */
  const brokenInvariants = (d: RetrievalDataset): string[] => {
    const broken: string[] = [];
    const splitOf = new Map<string, string>();
    for (const [name, split] of Object.entries(d.splits)) {
      for (const [qid, row] of Object.entries(split.qrels)) {
        const docIds = Object.keys(row);
        const docId = docIds[0]!;
        const doc = d.corpus[docId];
        if (docIds.length !== 1 || !qid.startsWith(`${docId}#`) || !doc)
          broken.push(`${qid}: qrels ${docIds}`);
        else if (
          `${doc.title} ${doc.text}`.toLowerCase().includes(split.queries[qid]!.text.toLowerCase())
        )
          broken.push(`${qid}: query text inside its document`);
        // All queries of a synset are in one split.
        if ((splitOf.get(docId) ?? name) !== name) broken.push(`${docId}: in two splits`);
        splitOf.set(docId, name);
        for (const neg of split.hardNegatives?.[qid] ?? [])
          if (neg === docId || !d.corpus[neg]) broken.push(`${qid}: hard negative ${neg}`);
      }
    }
    return broken;
  };

  it('senses: pinned counts and hash, same seed same data, other seed other data', async () => {
    const a = await buildWordNetDataset('wordnet-senses', WORDNET_PRESETS.quick);
    const counts = Object.fromEntries(
      Object.entries(a.splits).map(([k, s]) => [k, Object.keys(s.queries).length]),
    );
    expect(counts).toEqual({ train: 2390, dev: 311, test: 299 });
    expect(Object.keys(a.corpus).length).toBe(12613);
    expect(a.splits.dev!.hardNegatives).toBeUndefined();
    expect(datasetFingerprint(a)).toBe(
      'c1816d4629bea98adf0fa80ca269a4c09e785ebeb0a1f73a82d272c816336efb',
    );
    expect(brokenInvariants(a)).toEqual([]);
    const b = await buildWordNetDataset('wordnet-senses', WORDNET_PRESETS.quick);
    expect(datasetFingerprint(b)).toBe(datasetFingerprint(a));
    const c = await buildWordNetDataset('wordnet-senses', { ...WORDNET_PRESETS.quick, seed: 7 });
    expect(datasetFingerprint(c)).not.toBe(datasetFingerprint(a));
    expect(Object.values(c.splits).reduce((n, s) => n + Object.keys(s.queries).length, 0)).toBe(
      3000,
    );
  });

  it('definitions: pinned counts and hash', async () => {
    const d = await buildWordNetDataset('wordnet-definitions', WORDNET_PRESETS.quick);
    const counts = Object.fromEntries(
      Object.entries(d.splits).map(([k, s]) => [k, Object.keys(s.queries).length]),
    );
    expect(counts).toEqual({ train: 2400, dev: 300, test: 300 });
    expect(Object.keys(d.corpus).length).toBe(10935);
    expect(datasetFingerprint(d)).toBe(
      '4fc15110bc6038c9613421b8cd069af04a4f86c3d43ca414b68b655e6deb384f',
    );
    expect(brokenInvariants(d)).toEqual([]);
  });
});
