import { describe, expect, it } from 'vitest';
import { passageText, summarizeDataset, type RetrievalDataset } from '../../src/data/index.js';
import { passageText as trainPassageText } from '../../src/train/index.js';

describe('passageText', () => {
  it('joins title and text with a space and leaves an empty title out', () => {
    expect(passageText({ title: 't1', text: 'doc 1' })).toBe('t1 doc 1');
    expect(passageText({ title: '', text: 'doc 0' })).toBe('doc 0');
    expect(passageText({ title: 'only a title', text: '' })).toBe('only a title ');
  });

  it('is the text training batches and summaries use', () => {
    expect(trainPassageText).toBe(passageText);
    const dataset: RetrievalDataset = {
      name: 'two-docs',
      mainMetric: 'mrr@10',
      corpus: { a: { title: 'three word title', text: 'and two' }, b: { title: '', text: 'one' } },
      splits: {},
    };
    // 5 and 1 words: the title counts.
    expect(summarizeDataset(dataset).docWords).toMatchObject({ min: 1, max: 5 });
  });
});
