/**
 * The Porter stemmer (M. F. Porter, "An algorithm for suffix stripping", 1980), ported
 * from the reference ANSI C version at tartarus.org, which Lucene's `PorterStemFilter`
 * (and so Elasticsearch's `english` analyzer and Anserini) also ports. Like that version
 * it departs from the paper in two published ways: `bli` → `ble` (not `abli` → `able`) and
 * `logi` → `log`. Words of one or two letters are returned unchanged.
 *
 * Input is expected lowercased; it does not tokenise or remove stopwords (see analyzer.ts).
 */

type Rules = Readonly<Record<string, ReadonlyArray<readonly [string, string]>>>;

/** Step 2, keyed by the penultimate letter: double suffixes → single ones (when m > 0). */
const STEP2: Rules = Object.freeze({
  a: [
    ['ational', 'ate'],
    ['tional', 'tion'],
  ],
  c: [
    ['enci', 'ence'],
    ['anci', 'ance'],
  ],
  e: [['izer', 'ize']],
  l: [
    ['bli', 'ble'],
    ['alli', 'al'],
    ['entli', 'ent'],
    ['eli', 'e'],
    ['ousli', 'ous'],
  ],
  o: [
    ['ization', 'ize'],
    ['ation', 'ate'],
    ['ator', 'ate'],
  ],
  s: [
    ['alism', 'al'],
    ['iveness', 'ive'],
    ['fulness', 'ful'],
    ['ousness', 'ous'],
  ],
  t: [
    ['aliti', 'al'],
    ['iviti', 'ive'],
    ['biliti', 'ble'],
  ],
  g: [['logi', 'log']],
});

/** Step 3, keyed by the last letter: -ic-, -full, -ness etc. (when m > 0). */
const STEP3: Rules = Object.freeze({
  e: [
    ['icate', 'ic'],
    ['ative', ''],
    ['alize', 'al'],
  ],
  i: [['iciti', 'ic']],
  l: [
    ['ical', 'ic'],
    ['ful', ''],
  ],
  s: [['ness', '']],
});

/** Step 4, keyed by the penultimate letter: suffixes removed when m > 1. */
const STEP4: Readonly<Record<string, readonly string[]>> = Object.freeze({
  a: ['al'],
  c: ['ance', 'ence'],
  e: ['er'],
  i: ['ic'],
  l: ['able', 'ible'],
  n: ['ant', 'ement', 'ment', 'ent'],
  o: ['ion', 'ou'],
  s: ['ism'],
  t: ['ate', 'iti'],
  u: ['ous'],
  v: ['ive'],
  z: ['ize'],
});

/** Stems one lowercase word. */
export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  const b = word.split('');
  let k = b.length - 1; // end of the current stem (inclusive)
  let j = 0; // end of the stem before a matched suffix (inclusive)

  const cons = (i: number): boolean => {
    const c = b[i];
    if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
    if (c === 'y') return i === 0 ? true : !cons(i - 1);
    return true;
  };
  /** Number of consonant-vowel sequences (the measure m) in b[0..j]. */
  const m = (): number => {
    let n = 0;
    let i = 0;
    for (;;) {
      if (i > j) return n;
      if (!cons(i)) break;
      i++;
    }
    i++;
    for (;;) {
      for (;;) {
        if (i > j) return n;
        if (cons(i)) break;
        i++;
      }
      i++;
      n++;
      for (;;) {
        if (i > j) return n;
        if (!cons(i)) break;
        i++;
      }
      i++;
    }
  };
  const vowelInStem = (): boolean => {
    for (let i = 0; i <= j; i++) if (!cons(i)) return true;
    return false;
  };
  const doubleC = (i: number): boolean => i >= 1 && b[i] === b[i - 1] && cons(i);
  /** consonant-vowel-consonant ending at i, the last not w, x or y. */
  const cvc = (i: number): boolean => {
    if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
    const c = b[i];
    return c !== 'w' && c !== 'x' && c !== 'y';
  };
  const ends = (s: string): boolean => {
    const len = s.length;
    if (len > k + 1) return false;
    for (let i = 0; i < len; i++) if (b[k - len + 1 + i] !== s[i]) return false;
    j = k - len;
    return true;
  };
  const setTo = (s: string): void => {
    for (let i = 0; i < s.length; i++) b[j + 1 + i] = s[i]!;
    k = j + s.length;
    b.length = k + 1;
  };
  const r = (s: string): void => {
    if (m() > 0) setTo(s);
  };
  /** Tries each [suffix, replacement]; the first suffix that matches ends the step. */
  const replaceFirst = (pairs: ReadonlyArray<readonly [string, string]>): void => {
    for (const [suffix, replacement] of pairs) {
      if (ends(suffix)) {
        r(replacement);
        return;
      }
    }
  };

  // Step 1ab: plurals and -ed / -ing.
  if (b[k] === 's') {
    if (ends('sses')) k -= 2;
    else if (ends('ies')) setTo('i');
    else if (b[k - 1] !== 's') k--;
    b.length = k + 1;
  }
  if (ends('eed')) {
    if (m() > 0) k--;
  } else if ((ends('ed') || ends('ing')) && vowelInStem()) {
    k = j;
    b.length = k + 1;
    if (ends('at')) setTo('ate');
    else if (ends('bl')) setTo('ble');
    else if (ends('iz')) setTo('ize');
    else if (doubleC(k)) {
      k--;
      const c = b[k];
      if (c === 'l' || c === 's' || c === 'z') k++;
    } else {
      j = k;
      if (m() === 1 && cvc(k)) setTo('e');
    }
  }
  b.length = k + 1;
  // Step 1c: terminal y → i when there is another vowel in the stem.
  if (ends('y') && vowelInStem()) b[k] = 'i';
  // Step 2: double suffixes → single ones (m > 0).
  if (k >= 1) {
    const pairs = STEP2[b[k - 1]!];
    if (pairs) replaceFirst(pairs);
  }
  // Step 3: -ic-, -full, -ness etc. (m > 0).
  {
    const pairs = STEP3[b[k]!];
    if (pairs) replaceFirst(pairs);
  }
  // Step 4: strip -ant, -ence etc. when m > 1.
  if (k >= 1) {
    const suffixes = STEP4[b[k - 1]!] ?? [];
    let matched = false;
    for (const s of suffixes) {
      if (ends(s)) {
        // -ion only after s or t.
        if (s === 'ion' && !(j >= 0 && (b[j] === 's' || b[j] === 't'))) continue;
        matched = true;
        break;
      }
    }
    if (matched && m() > 1) {
      k = j;
      b.length = k + 1;
    }
  }
  // Step 5: remove a final -e when m > 1 (or m = 1 and not *o), and -ll → -l when m > 1.
  j = k;
  if (b[k] === 'e') {
    const a = m();
    if (a > 1 || (a === 1 && !cvc(k - 1))) k--;
  }
  b.length = k + 1;
  // As in the C original, m() here still measures up to the old end (j), not the new k.
  if (b[k] === 'l' && doubleC(k) && m() > 1) k--;
  b.length = k + 1;
  return b.join('');
}
