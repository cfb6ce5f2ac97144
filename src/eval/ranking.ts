/**
 * The order in which trec_eval reads a run: score descending (as a double), ties broken by
 * document id DESCENDING in byte (strcmp) order, e.g. D9 > D2 > D100 > D10. The run file's
 * rank column plays no part. Every metric in this folder ranks through `trecEvalOrder`.
 *
 * It does not judge documents (see judged.ts) or compute metrics (see measures.ts).
 */

/**
 * Compares two strings in UTF-8 byte order (= Unicode code point order), as C's strcmp
 * does on UTF-8 text. JavaScript's `<` compares UTF-16 code units, which differs only when
 * a supplementary character (a surrogate pair) meets a BMP character at or above U+E000;
 * that case is remapped here. Returns < 0, 0 or > 0.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      // Surrogates (D800–DFFF) encode code points above FFFF: move them above E000–FFFF.
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca - cb;
  }
  return a.length - b.length;
}

/**
 * Document ids of one query's results in trec_eval's order: score descending, ties by id
 * descending in byte order. Scores are compared as JavaScript numbers (doubles), as
 * trec_eval's `atof` gives; NaN scores are rejected because they have no order.
 */
export function trecEvalOrder(docScores: Readonly<Record<string, number>>): string[] {
  const ids = Object.keys(docScores);
  for (const id of ids) {
    if (Number.isNaN(docScores[id])) {
      throw new Error(`trecEvalOrder: document "${id}" has score NaN; scores must be numbers`);
    }
  }
  return ids.sort((x, y) => {
    const sx = docScores[x]!;
    const sy = docScores[y]!;
    if (sx !== sy) return sy > sx ? 1 : -1;
    return compareBytes(y, x);
  });
}
