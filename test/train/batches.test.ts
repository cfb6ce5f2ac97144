import { describe, expect, it } from 'vitest';
import { passageText, type Corpus, type Split } from '../../src/data/index.js';
import { BatchSampler, mineBm25Negatives, type TextSearcher } from '../../src/train/index.js';

// 12 documents; 30 queries; query qN's positive is d(N mod 12), so queries share positives.
const corpus: Corpus = Object.fromEntries(
  Array.from({ length: 12 }, (_, i) => [
    `d${i}`,
    { title: i % 2 ? `t${i}` : '', text: `doc ${i}` },
  ]),
);
const queries = Object.fromEntries(
  Array.from({ length: 30 }, (_, i) => [`q${i}`, { text: `query ${i}` }]),
);
const qrels = Object.fromEntries(
  Array.from({ length: 30 }, (_, i) => [`q${i}`, { [`d${i % 12}`]: 1, d11: 0 }]),
);
const hardNegatives = Object.fromEntries(
  Array.from({ length: 30 }, (_, i) => [`q${i}`, [`d${(i + 1) % 12}`, `d${i % 12}`, 'missing']]),
);
const split: Split = { queries, qrels, hardNegatives };

describe('BatchSampler', () => {
  it('lays passages out per query, positive first (Tevatron), with texts from the corpus', () => {
    const s = new BatchSampler(corpus, split, { batchSize: 4, nHard: 2, seed: 1 });
    const b = s.next();
    expect(b.queries).toHaveLength(4);
    expect(b.passages).toHaveLength(12);
    b.examples.forEach((ex, i) => {
      const n = Number(ex.queryId.slice(1));
      expect(ex.query).toBe(`query ${n}`);
      expect(ex.positiveId).toBe(`d${n % 12}`);
      expect(b.passages[i * 3]).toBe(passageText(corpus[ex.positiveId]!));
      // the one valid hard negative first-or-second, never the positive, never a missing doc
      expect(ex.negativeIds).toContain(`d${(n + 1) % 12}`);
      expect(ex.negativeIds).not.toContain(ex.positiveId);
      expect(ex.negativeIds.every((d) => corpus[d] !== undefined)).toBe(true);
    });
  });

  it('never puts two queries with the same positive in one batch, and drops the last partial batch', () => {
    const s = new BatchSampler(corpus, split, { batchSize: 8, nHard: 1, seed: 3 });
    const n = s.batchesPerEpoch;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(3);
    for (let k = 0; k < n; k++) {
      const pos = s.next().examples.map((e) => e.positiveId);
      expect(new Set(pos).size).toBe(8);
    }
    expect(s.position).toEqual({ epoch: 0, batch: n });
    s.next();
    expect(s.position).toEqual({ epoch: 1, batch: 1 });
  });

  it('is a pure function of seed and position: same seed same batches, seek resumes exactly', () => {
    const a = new BatchSampler(corpus, split, { batchSize: 5, nHard: 1, seed: 7 });
    const b = new BatchSampler(corpus, split, { batchSize: 5, nHard: 1, seed: 7 });
    const seqA = Array.from({ length: 10 }, () => a.next());
    const seqB = Array.from({ length: 4 }, () => b.next());
    const saved = b.position;
    const c = new BatchSampler(corpus, split, { batchSize: 5, nHard: 1, seed: 7 });
    c.seek(saved);
    for (let k = 0; k < 6; k++) seqB.push(c.next());
    expect(seqB).toEqual(seqA);
    const other = new BatchSampler(corpus, split, { batchSize: 5, nHard: 1, seed: 8 }).next();
    expect(other.queries).not.toEqual(seqA[0]!.queries);
    // epochs are reshuffled
    const e1 = a.batchAt({ epoch: 1, batch: 0 });
    expect(e1.queries).not.toEqual(seqA[0]!.queries);
  });

  it('random negatives ignore the dataset hard negatives but still exclude positives', () => {
    const s = new BatchSampler(corpus, split, {
      batchSize: 6,
      nHard: 3,
      seed: 2,
      negatives: 'random',
    });
    for (let k = 0; k < 4; k++) {
      for (const ex of s.next().examples) {
        expect(ex.negativeIds).toHaveLength(3);
        expect(ex.negativeIds).not.toContain(ex.positiveId);
      }
    }
  });

  it('rejects bad options with the value', () => {
    expect(() => new BatchSampler(corpus, split, { batchSize: 0 })).toThrow(/batchSize.*0/);
    // q11 and q23 have only a grade-0 judgement (d11: 0 overrides d11: 1), so 28 queries count.
    expect(() => new BatchSampler(corpus, split, { batchSize: 29 })).toThrow(/only 28 queries/);
    expect(() => new BatchSampler(corpus, split, { negatives: 'bm25' as 'hard' })).toThrow(/bm25/);
    expect(() =>
      new BatchSampler(corpus, split, { batchSize: 2 }).batchAt({ epoch: 0, batch: 99 }),
    ).toThrow(/batch 99/);
  });
});

describe('mineBm25Negatives', () => {
  it('keeps the top results after skipping, without the query positives', () => {
    // A fake index that ranks documents by |doc number − query number|.
    const index: TextSearcher = {
      search(query, k) {
        const n = Number(query.split(' ')[1]);
        return Object.keys(corpus)
          .map((id) => ({ id, score: -Math.abs(Number(id.slice(1)) - (n % 12)) }))
          .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1))
          .slice(0, k);
      },
    };
    const mined = mineBm25Negatives(index, split, { depth: 2 });
    expect(mined['q5']).toEqual(['d4', 'd6']);
    expect(mined['q0']).toEqual(['d1', 'd2']);
    const skipped = mineBm25Negatives(index, split, { depth: 2, skip: 1 });
    expect(skipped['q5']).toEqual(['d4', 'd6']); // d5 (the positive) was the skipped top hit
    const s = new BatchSampler(corpus, split, {
      batchSize: 4,
      nHard: 2,
      hardNegatives: mined,
      seed: 1,
    });
    for (const ex of s.next().examples) {
      expect([...ex.negativeIds].sort()).toEqual([...mined[ex.queryId]!].sort());
    }
  });
});
