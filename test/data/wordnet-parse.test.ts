import { describe, expect, it } from 'vitest';
import { parseDataLine, parseGloss, resolveWordNetOptions } from '../../src/data/index.js';

describe('parseGloss', () => {
  it('splits definition and examples, dropping attributions', () => {
    expect(
      parseGloss('a young person; "she writes books for children"; "they\'re just kids"'),
    ).toEqual({
      definition: 'a young person',
      examples: ['she writes books for children', "they're just kids"],
    });
    expect(
      parseGloss(
        'in these times; "it is solely by their language that the upper classes nowadays are distinguished"- Nancy Mitford; "we now rarely see horse-drawn vehicles"',
      ),
    ).toEqual({
      definition: 'in these times',
      examples: [
        'it is solely by their language that the upper classes nowadays are distinguished',
        'we now rarely see horse-drawn vehicles',
      ],
    });
    expect(parseGloss('first sense; second part; "an example; with a semicolon"')).toEqual({
      definition: 'first sense; second part',
      examples: ['an example; with a semicolon'],
    });
    expect(parseGloss('no examples at all')).toEqual({
      definition: 'no examples at all',
      examples: [],
    });
  });
});

describe('parseDataLine', () => {
  it('reads offset, lemmas (markers and underscores removed) and gloss, skipping pointers', () => {
    const line =
      '00012345 00 s 02 free_of_charge(a) 0 gratis 1 002 & 00001740 a 0000 + 01234567 n 0101 | costing nothing; "the food was free of charge"  ';
    expect(parseDataLine('data.adj', 7, line, 'a')).toEqual({
      id: 'a00012345',
      pos: 'a',
      lemmas: ['free of charge', 'gratis'],
      definition: 'costing nothing',
      examples: ['the food was free of charge'],
    });
  });

  it('names file, line and field for a broken line', () => {
    expect(() => parseDataLine('data.noun', 3, '0001 03 n 01 x 0 000 | gloss', 'n')).toThrow(
      'data.noun:3: field "synset_offset": expected 8 digits (got "0001")',
    );
    expect(() => parseDataLine('data.noun', 4, '00012345 03 n zz x 0 000 | gloss', 'n')).toThrow(
      /data\.noun:4: field "w_cnt"/,
    );
    expect(() => parseDataLine('data.noun', 5, '00012345 03 n 01 x 0 000 gloss', 'n')).toThrow(
      /data\.noun:5: field "gloss"/,
    );
  });
});

describe('resolveWordNetOptions', () => {
  it('fills documented defaults and rejects bad values by name', () => {
    expect(resolveWordNetOptions()).toMatchObject({
      seed: 42,
      maxQueries: null,
      splitFractions: { train: 0.8, dev: 0.1, test: 0.1 },
      corpus: 'all',
      minQueryWords: 3,
      maxHardNegatives: 16,
      pos: ['n', 'v', 'a', 'r'],
    });
    expect(() => resolveWordNetOptions({ maxQueries: 0 })).toThrow(
      /maxQueries must be a positive integer or null, got 0/,
    );
    expect(() =>
      resolveWordNetOptions({ splitFractions: { train: 0.5, dev: 0.1, test: 0.1 } }),
    ).toThrow(/splitFractions/);
    // @ts-expect-error: a literal outside the type
    expect(() => resolveWordNetOptions({ corpus: 'some' })).toThrow(
      /corpus must be 'all' or 'related', got "some"/,
    );
    // @ts-expect-error: a literal outside the type
    expect(() => resolveWordNetOptions({ pos: ['x'] })).toThrow(
      /pos must be a non-empty list of n, v, a, r/,
    );
  });
});
