/**
 * Splits a WordNet gloss into its definition and its example sentences. A gloss is
 * `definition; "example one"; "example two" - Author` (wndb(5)): parts separated by ';'
 * outside double quotes; a part that starts with '"' is an example (what follows its
 * closing quote, an attribution such as `- Nancy Mitford`, is dropped); the other parts
 * make the definition, joined again with '; '.
 */
export interface Gloss {
  readonly definition: string;
  readonly examples: readonly string[];
}

/** Splits on ';' that are not inside double quotes. */
function splitOutsideQuotes(gloss: string): string[] {
  const parts: string[] = [];
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < gloss.length; i++) {
    const c = gloss[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === ';' && !inQuote) {
      parts.push(gloss.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(gloss.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

export function parseGloss(gloss: string): Gloss {
  const definition: string[] = [];
  const examples: string[] = [];
  for (const part of splitOutsideQuotes(gloss)) {
    if (part.startsWith('"')) {
      const close = part.indexOf('"', 1);
      const example = (close < 0 ? part.slice(1) : part.slice(1, close)).trim();
      if (example.length > 0) examples.push(example);
    } else definition.push(part);
  }
  return { definition: definition.join('; '), examples };
}
