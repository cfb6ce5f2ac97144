/**
 * SIGKILL while results.json, results.csv (src/experiment/results-io.ts) and report.html
 * (src/report/html-report.ts) are rewritten after every row, before seeded random
 * file-system operations and at seeded random moments. After every kill, results.json is
 * absent or a complete file whose rows are a prefix of the final ones (never half-written);
 * a rerun finishes with the files of an uninterrupted run; no temporary file is left.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addCount } from '../counts.js';
import { useTempDir } from '../temp-dir.js';
import {
  childScript,
  describeKills,
  ioCount,
  ioKillPoints,
  renameCount,
  renameKillPoints,
  killMoments,
  leftoverTemporaries,
  listFiles,
  runChild,
  type KillPoint,
} from './harness.js';

const script = childScript('write-report.ts');
const scratch = useTempDir('fault-report');
const SLEEP_MS = 30;
const FILES = ['report.html', 'results.csv', 'results.json'];

/** The three files; the report's tables get fresh random element ids each time, so those are masked. */
const read = (dir: string): Promise<string[]> =>
  Promise.all(
    FILES.map(async (f) =>
      (await readFile(join(dir, f), 'utf8')).replace(/kt-[0-9a-f]+/g, 'kt-ID'),
    ),
  );

describe('report and results writing under SIGKILL', () => {
  /** Set by the first test once its files are final. */
  let leftovers: string[] | undefined;

  it('results.json is never half-written, and a rerun ends with the uninterrupted files', async (context) => {
    const ref = join(scratch(), 'ref');
    const straight = await runChild(script, [ref, String(SLEEP_MS)]);
    const expected = await read(ref);
    const finalRows = (JSON.parse(expected[2]!) as { rows: unknown[] }).rows;
    const ops = ioCount(straight);

    // Each point in a fresh folder, so every one lands while there is work left.
    const points: KillPoint[] = [
      ...renameKillPoints(403, 2, renameCount(straight)),
      ...ioKillPoints(401, 1, ops),
      ...killMoments(402, 1, straight.workMs),
    ];
    let kills = 0;
    leftovers = [];
    for (const [t, point] of points.entries()) {
      const dir = join(scratch(), `trial-${t}`);
      const why = `kill at ${describeKills([point])}`;
      const r = await runChild(script, [dir, String(SLEEP_MS)], point);
      if (r.signal === 'SIGKILL') {
        kills++;
        const text = await readFile(join(dir, 'results.json'), 'utf8').catch(() => undefined);
        if (text !== undefined) {
          const rows = (JSON.parse(text) as { rows: unknown[] }).rows; // throws if half-written
          expect(rows, why).toEqual(finalRows.slice(0, rows.length));
        }
      }
      await runChild(script, [dir, String(SLEEP_MS)]);
      const got = await read(dir);
      FILES.forEach((f, i) => expect(got[i] === expected[i], `${f}; ${why}`).toBe(true));
      const left = await leftoverTemporaries(dir);
      expect((await listFiles(dir)).filter((f) => !left.includes(f))).toEqual(FILES);
      leftovers.push(...left.map((f) => `trial-${t}/${f}`));
    }
    expect(kills).toBe(points.length);
    addCount(context, 'faults injected', kills);
    addCount(context, 'faults injected: report writing', kills);
  });

  it('no temporary file is left behind', () => {
    expect(leftovers, 'the test above did not finish').toBeDefined();
    expect(leftovers, `left: ${leftovers!.join(', ')}`).toEqual([]);
  });
});
