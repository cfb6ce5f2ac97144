/**
 * What each WordNet task asks: which texts of a synset are its queries and what its
 * document says. The two tasks are mirror images:
 *
 * - wordnet-senses: query = one example sentence of the synset's gloss; document = its
 *   lemmas (title) and definition (text), examples removed. The other senses of the same
 *   lemmas share the title words, so the context of the sentence has to decide.
 * - wordnet-definitions (reverse dictionary): query = the definition; document = the
 *   lemmas (title) and the examples (text, joined with "; "; empty when there are none).
 */
import type { Doc } from '../types.js';
import type { Synset } from './lexicon.js';
import type { WordNetTask } from './options.js';

export interface TaskQuery {
  /** Unique within the synset; the query id is `${synset.id}#${key}`. */
  readonly key: string;
  readonly text: string;
}

export interface TaskSpec {
  readonly name: WordNetTask;
  queries(synset: Synset): TaskQuery[];
  doc(synset: Synset): Doc;
}

const title = (s: Synset): string => s.lemmas.join(', ');

export const SENSES_TASK: TaskSpec = Object.freeze({
  name: 'wordnet-senses',
  queries: (s: Synset) => s.examples.map((text, k) => ({ key: `ex${k}`, text })),
  doc: (s: Synset) => ({ title: title(s), text: s.definition }),
});

export const DEFINITIONS_TASK: TaskSpec = Object.freeze({
  name: 'wordnet-definitions',
  queries: (s: Synset) => (s.definition ? [{ key: 'def', text: s.definition }] : []),
  doc: (s: Synset) => ({ title: title(s), text: s.examples.join('; ') }),
});

export function taskSpec(task: WordNetTask): TaskSpec {
  if (task === 'wordnet-senses') return SENSES_TASK;
  if (task === 'wordnet-definitions') return DEFINITIONS_TASK;
  throw new Error(
    `unknown WordNet task ${JSON.stringify(task)}; allowed: wordnet-senses, wordnet-definitions`,
  );
}
