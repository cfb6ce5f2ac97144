/**
 * The one text a document becomes wherever kalelab reads it: what the passage encoder sees
 * in training batches and passage indexes, what BM25 mines negatives from, and what dataset
 * summaries count. Title and text joined by a space; an empty title is left out (so a
 * corpus without titles reads as its texts).
 */
import type { Doc } from './types.js';

/** "title text", or just the text when the title is empty. */
export function passageText(doc: Doc): string {
  return doc.title ? `${doc.title} ${doc.text}` : doc.text;
}
