import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseJsonRun, readRunFile, writeRunFile } from '../../../src/eval/compare/run-files.js';
import { readRun } from '../../../src/eval/trec.js';
import { useTempDir } from '../../temp-dir.js';
import { RUN } from '../fixtures.js';

const dir = useTempDir('run-files');

describe('readRunFile / writeRunFile', () => {
  it('reads TREC, gzipped TREC (by its magic bytes) and JSON to the same run', async () => {
    const want = await readRun(RUN);
    const text = await readFile(RUN);
    await writeFile(join(dir(), 'run.trec.gz'), gzipSync(text));
    await writeFile(join(dir(), 'run-no-ext'), gzipSync(text));
    await writeFile(join(dir(), 'run.json'), JSON.stringify(want));
    await writeFile(join(dir(), 'run.json.gz'), gzipSync(JSON.stringify(want)));
    for (const name of ['run.trec.gz', 'run-no-ext', 'run.json', 'run.json.gz']) {
      expect(await readRunFile(join(dir(), name))).toEqual(want);
    }
    expect(await readRunFile(RUN)).toEqual(want);
  });

  it('writes TREC, gzipped when the name ends in .gz, and reads it back', async () => {
    const run = { q1: { d1: 0.5, d2: 1.25 }, q2: { d3: -1 } };
    await writeRunFile(join(dir(), 'out.txt'), run, { tag: 'test' });
    await writeRunFile(join(dir(), 'out.txt.gz'), run);
    expect(await readFile(join(dir(), 'out.txt'), 'utf8')).toBe(
      'q1 Q0 d2 1 1.25 test\nq1 Q0 d1 2 0.5 test\nq2 Q0 d3 1 -1 test\n',
    );
    expect(gunzipSync(await readFile(join(dir(), 'out.txt.gz'))).toString()).toMatch(
      /^q1 Q0 d2 1 1.25 kalelab\n/,
    );
    expect(await readRunFile(join(dir(), 'out.txt.gz'))).toEqual(run);
  });

  it('reports a bad line of a gzipped file against that file, and bad JSON with its query and document', async () => {
    const bad = join(dir(), 'bad.txt.gz');
    await writeFile(bad, gzipSync('q1 Q0 d1 1 0.5 t\nq1 Q0 d2 2 high t\n'));
    await expect(readRunFile(bad)).rejects.toThrow(`${bad}:2: score: "high" is not a number`);
    expect(() => parseJsonRun('{"q1": {"d1": "x"}}', 'r.json')).toThrow(
      'r.json: query "q1" document "d1": score "x" is not a finite number',
    );
    expect(() => parseJsonRun('[1]', 'r.json')).toThrow(/expected a JSON object .* got an array/);
    expect(() => parseJsonRun('{"q1": {', 'r.json')).toThrow(/r.json: not valid JSON/);
    expect(() => parseJsonRun('{"q1": 3}', 'r.json')).toThrow(/query "q1": expected an object/);
    await expect(readRunFile(join(dir(), 'missing.txt'))).rejects.toThrow(
      /missing.txt: cannot open run file \(ENOENT\)/,
    );
  });

  it('keeps prototype-like ids of a JSON run as plain own ids', () => {
    const run = parseJsonRun('{"__proto__": {"constructor": 1}}', 'r.json');
    expect(Object.keys(run)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(run)).toBe(Object.prototype);
    expect(Object.hasOwn(run, '__proto__')).toBe(true);
  });
});
