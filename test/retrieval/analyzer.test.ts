import { describe, expect, it } from 'vitest';
import { analyze, wordTokens } from '../../src/retrieval/analyzer.js';
import { byteToLength, lengthToByte, luceneLength } from '../../src/retrieval/lucene-norms.js';

describe('analyzer', () => {
  it('splits words roughly as Lucene StandardTokenizer', () => {
    expect(wordTokens("The U.S.A. isn't 3.5 or 1,000 IL-6 e.g. p53 foo_bar ...x")).toEqual([
      'The',
      'U.S.A',
      "isn't",
      '3.5',
      'or',
      '1,000',
      'IL',
      '6',
      'e.g',
      'p53',
      'foo_bar',
      'x',
    ]);
  });

  it('drops possessives and stopwords, lowercases and stems', () => {
    expect(analyze("The Cells' proteins are binding to Alzheimer's receptors")).toEqual([
      'cell',
      'protein',
      'bind',
      'alzheim',
      'receptor',
    ]);
    expect(analyze('The cells', { stopwords: false, stem: false })).toEqual(['the', 'cells']);
  });
});

describe('Lucene length norms', () => {
  it('keeps lengths below 24 exact and 4 significant bits above', () => {
    for (let n = 0; n < 24; n++) expect(luceneLength(n)).toBe(n);
    expect(lengthToByte(100)).toBe(57);
    expect(luceneLength(100)).toBe(96);
    expect(byteToLength(255)).toBe(24 + 0xf * 2 ** 27); // largest encodable length (2013265944)
    let previous = -1;
    let ok = true;
    for (let n = 0; n < 5000; n++) {
      const l = luceneLength(n);
      ok &&= l <= n && l >= previous; // lossy but never longer, and monotone
      previous = l;
    }
    expect(ok).toBe(true);
  });
});
