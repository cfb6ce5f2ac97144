import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildWordNetDataset,
  loadWordNetLexicon,
  siblingSenses,
  type RetrievalDataset,
} from '../../src/data/index.js';

describe('WordNet tasks on known synsets (every query in train)', () => {
  let senses: RetrievalDataset;
  let definitions: RetrievalDataset;
  const trainOnly = { splitFractions: { train: 1, dev: 0, test: 0 } } as const;
  // The senses of the noun and verb "bank", in WordNet 3.1's sense order.
  const BANK_SENSES = [
    'n09236472',
    'n08437235',
    'n09236341',
    'n08479077',
    'n13389491',
    'n13377435',
    'n09236735',
    'n04146942',
    'n02790795',
    'n00170126',
    'v02043258',
    'v01590626',
    'v02348370',
    'v02348248',
    'v02348052',
    'v02315835',
    'v01237357',
    'v00714537',
  ];

  beforeAll(async () => {
    senses = await buildWordNetDataset('wordnet-senses', trainOnly);
    definitions = await buildWordNetDataset('wordnet-definitions', trainOnly);
  });

  it('lists the senses of "bank" in WordNet order', async () => {
    const lexicon = await loadWordNetLexicon();
    expect(lexicon.synsets.length).toBe(117791);
    expect(lexicon.senses.get('bank')).toEqual(BANK_SENSES);
    expect(siblingSenses(lexicon, lexicon.byId.get('n09236472')!)).toEqual(BANK_SENSES.slice(1));
    expect(siblingSenses(lexicon, lexicon.byId.get('n09236472')!, new Set(['v']))).toEqual(
      BANK_SENSES.slice(10),
    );
  });

  it('senses: example → that synset, doc = lemmas + definition, siblings as hard negatives', () => {
    const train = senses.splits.train!;
    expect(Object.keys(senses.splits)).toEqual(['train']);
    expect(senses.mainMetric).toBe('mrr@10');
    expect(train.queries['n09236472#ex0']).toEqual({
      text: 'they pulled the canoe up on the bank',
    });
    expect(train.queries['n09236472#ex1']).toEqual({
      text: 'he sat on the bank of the river and watched the currents',
    });
    expect(train.qrels['n09236472#ex1']).toEqual({ n09236472: 1 });
    expect(senses.corpus['n09236472']).toEqual({
      title: 'bank',
      text: 'sloping land (especially the slope beside a body of water)',
    });
    expect(senses.corpus['n08437235']).toEqual({
      title: 'depository financial institution, bank, banking concern, banking company',
      text: 'a financial institution that accepts deposits and channels the money into lending activities',
    });
    expect(train.queries['n08437235#ex0']).toEqual({ text: 'he cashed a check at the bank' });
    expect(train.hardNegatives!['n09236472#ex0']).toEqual(BANK_SENSES.slice(1, 17));
    expect(train.hardNegatives!['v02043258#ex0']).toEqual(
      BANK_SENSES.filter((id) => id !== 'v02043258').slice(0, 16),
    );
    // "bank roads" has two words: below minQueryWords.
    expect(train.queries['v01590626#ex0']).toBeUndefined();
    expect(Object.keys(senses.corpus).length).toBe(117791);
    expect(Object.keys(train.queries).length).toBe(42939);
    expect(senses.report!.skipped).toEqual({
      'wordnet:short-query': 5421,
      'wordnet:query-in-own-doc': 2,
      'wordnet:ambiguous-query': 175,
    });
  });

  it('definitions: definition → that synset, doc = lemmas + examples', () => {
    const train = definitions.splits.train!;
    expect(train.queries['n09236472#def']).toEqual({
      text: 'sloping land (especially the slope beside a body of water)',
    });
    expect(train.qrels['n09236472#def']).toEqual({ n09236472: 1 });
    expect(definitions.corpus['n09236472']).toEqual({
      title: 'bank',
      text: 'they pulled the canoe up on the bank; he sat on the bank of the river and watched the currents',
    });
    expect(definitions.corpus['n13389491']).toEqual({ title: 'bank', text: '' });
    expect(train.hardNegatives!['n09236472#def']).toEqual(BANK_SENSES.slice(1, 17));
  });
});
