import { describe, expect, it } from 'vitest';
import { answerAccuracy, dprTokens, hasAnswer, squadTokens } from '../../src/eval/answers.js';

describe('DPR answer matching', () => {
  it('tokenises as DPR SimpleTokenizer (NFD, letters/digits runs, single symbols, uncased)', () => {
    expect(dprTokens("The U.S. Army's 1st-ever $5 café!")).toEqual([
      'the',
      'u',
      '.',
      's',
      '.',
      'army',
      "'",
      's',
      '1st',
      '-',
      'ever',
      '$',
      '5',
      'cafe\u0301',
      '!',
    ]);
  });

  it('matches token sequences, not substrings', () => {
    expect(hasAnswer(['France'], 'a region in France.')).toBe(true);
    expect(hasAnswer(['ranc'], 'a region in France.')).toBe(false);
    expect(hasAnswer(['10th and 11th centuries'], 'In the 10th and 11th centuries gave')).toBe(
      true,
    );
    expect(hasAnswer(['Café'], 'CAFÉ au lait')).toBe(true); // NFD on both sides
  });

  it('squad mode drops punctuation and articles', () => {
    expect(squadTokens('The  U.S. Army, an army')).toEqual(['us', 'army', 'army']);
    expect(hasAnswer(['the U.S.'], 'in US waters', 'squad')).toBe(true);
    expect(hasAnswer(['the U.S.'], 'in US waters', 'dpr')).toBe(false);
  });
});

describe('answerAccuracy', () => {
  const corpus = {
    p1: { title: 'Paris', text: 'Paris is the capital of France.' },
    p2: { title: 'Berlin', text: 'Berlin is in Germany.' },
    p3: { title: 'Rome', text: 'Rome is old.' },
  };
  const queries = {
    q1: { text: 'capital of France?', answers: ['France'] },
    q2: { text: 'where is Berlin?', answers: ['Germany', 'Deutschland'] },
    q3: { text: 'missing from the run', answers: ['Rome'] },
    q4: { text: 'no answers' },
  };
  const run = {
    q1: { p1: 1, p2: 2 }, // answer at rank 2
    q2: { p2: 5, p3: 1 }, // answer at rank 1
  };

  it('counts a hit at k when an answer is in the top k; misses for missing queries', () => {
    const r = answerAccuracy(queries, run, corpus, [1, 2, 20]);
    expect(r.numQueries).toBe(3);
    expect(r.skippedWithoutAnswers).toBe(1);
    expect(r.aggregate).toEqual({ 'accuracy@1': 1 / 3, 'accuracy@2': 2 / 3, 'accuracy@20': 2 / 3 });
    expect(r.perQuery['q1']).toEqual({ 'accuracy@1': 0, 'accuracy@2': 1, 'accuracy@20': 1 });
    expect(r.perQuery['q3']).toEqual({ 'accuracy@1': 0, 'accuracy@2': 0, 'accuracy@20': 0 });
  });

  it('looks at titles only when asked', () => {
    const q = { q: { text: '?', answers: ['Rome'] } };
    const onlyTitle = { r: { title: 'Rome', text: 'An old city.' } };
    expect(answerAccuracy(q, { q: { r: 1 } }, onlyTitle, [1]).aggregate['accuracy@1']).toBe(0);
    expect(
      answerAccuracy(q, { q: { r: 1 } }, onlyTitle, [1], { includeTitle: true }).aggregate[
        'accuracy@1'
      ],
    ).toBe(1);
  });

  it('rejects documents that are not in the corpus and bad k', () => {
    expect(() => answerAccuracy(queries, { q1: { nope: 1 } }, corpus, [1])).toThrow(/"nope"/);
    expect(() => answerAccuracy(queries, run, corpus, [0])).toThrow(/positive integer/);
  });
});
