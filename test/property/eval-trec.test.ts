/**
 * Round trips of src/eval/trec.ts: any query and document id without whitespace, any
 * finite score and any integer grade written by writeRun / writeQrels read back equal by
 * readRun / readTrecQrels. Ids are drawn from all of Unicode (well-formed), long digit strings
 * past 2^53 (ids are strings, never numbers), and names of Object.prototype members.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrecQrels, readRun, writeQrels, writeRun } from '../../src/eval/index.js';
import { useTempDir } from '../temp-dir.js';
import { check } from './check.js';

/** What formatRun and the readers treat as a field separator or line break. */
const hasSpace = (s: string): boolean => /\s/.test(s);

/** Prototype member names are left to their own tests below (fast-check favours them). */
const unicodeId = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 12 })
  .filter((s) => !hasSpace(s) && !(s in Object.prototype));
const digitsId = fc.bigInt({ min: 0n, max: 10n ** 30n }).map((n) => n.toString());
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];
const prototypeId = fc.constantFrom(...PROTOTYPE_NAMES);

/** id → value as an object with own properties only (Object.fromEntries defines `__proto__` as data). */
function table<V>(
  key: fc.Arbitrary<string>,
  value: fc.Arbitrary<V>,
  minKeys = 0,
): fc.Arbitrary<Record<string, V>> {
  return fc
    .uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, minLength: minKeys, maxLength: 6 })
    .map((entries) => Object.fromEntries(entries) as Record<string, V>);
}

/** -0 is written as "0" and reads back as 0: equal as scores, so it is not generated. */
const finiteScore = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map((x) => (Object.is(x, -0) ? 0 : x));
const grade = fc.integer({ min: -3, max: 4 });

function runOf(id: fc.Arbitrary<string>): fc.Arbitrary<Record<string, Record<string, number>>> {
  return table(id, table(id, finiteScore, 1), 0);
}
function qrelsOf(id: fc.Arbitrary<string>): fc.Arbitrary<Record<string, Record<string, number>>> {
  return table(id, table(id, grade, 1), 0);
}

describe('TREC files round-trip', () => {
  const dir = useTempDir('prop-trec');
  let n = 0;
  const next = (): string => join(dir(), `f${n++}.txt`);

  const ID_KINDS: [string, fc.Arbitrary<string>][] = [
    ['any Unicode id without whitespace', unicodeId],
    ['integer ids past 2^53', digitsId],
  ];
  for (const [kind, id] of ID_KINDS) {
    it(`runs: ${kind}, any finite score`, async (context) => {
      await check(
        context,
        fc.asyncProperty(runOf(id), async (run) => {
          const path = next();
          await writeRun(path, run);
          expect(await readRun(path)).toEqual(run);
        }),
      );
    });

    it(`qrels: ${kind}, any integer grade`, async (context) => {
      await check(
        context,
        fc.asyncProperty(qrelsOf(id), async (qrels) => {
          const path = next();
          await writeQrels(path, qrels);
          expect(await readTrecQrels(path)).toEqual(qrels);
        }),
      );
    });
  }

  // Issue 19's first class: ids named like Object.prototype members (`__proto__`,
  // `constructor`) mixed with ordinary ones.
  const mixed = fc.oneof(prototypeId, fc.constantFrom('q1', 'd1', 'd2'));
  it('runs: ids named like Object.prototype members read back as ordinary ids', async (context) => {
    await check(
      context,
      fc.asyncProperty(runOf(mixed), async (run) => {
        const path = next();
        await writeRun(path, run);
        const read = await readRun(path);
        expect(read).toEqual(run);
        expect(Object.keys(read).sort()).toEqual(Object.keys(run).sort());
      }),
    );
    expect(Object.keys(Object.prototype)).toEqual([]); // nothing leaked onto the prototype
  });

  it('qrels: ids named like Object.prototype members read back as ordinary ids', async (context) => {
    await check(
      context,
      fc.asyncProperty(qrelsOf(mixed), async (qrels) => {
        const path = next();
        await writeQrels(path, qrels);
        const read = await readTrecQrels(path);
        expect(read).toEqual(qrels);
        expect(Object.keys(read).sort()).toEqual(Object.keys(qrels).sort());
      }),
    );
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
