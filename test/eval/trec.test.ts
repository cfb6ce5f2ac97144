import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateRun } from '../../src/eval/metrics.js';
import {
  formatRun,
  readTrecQrels,
  readRun,
  TrecFormatError,
  writeQrels,
  writeRun,
} from '../../src/eval/trec.js';
import { QRELS, RUN } from './fixtures.js';

const dir = await mkdtemp(join(tmpdir(), 'kalelab-trec-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('reading TREC files', () => {
  it('reads the oracle qrels and run', async () => {
    const qrels = await readTrecQrels(QRELS);
    const run = await readRun(RUN);
    expect(Object.keys(qrels)).toHaveLength(39);
    expect(Object.keys(run)).toHaveLength(39);
    expect(qrels['q01']).toEqual({ D1: 2, D5: 0, D40: 1 });
    // q14 carries exponent notation and negative scores.
    expect(run['q14']!['D2']).toBe(0.25);
    expect(run['q14']!['D3']).toBe(-3);
    expect(run['q14']!['D6']).toBe(1);
  });

  it('names file, line and field on bad input', async () => {
    const badGrade = await fileWith('bad-grade.txt', 'q1 0 d1 1\n\nq1 0 d2 x\n');
    await expect(readTrecQrels(badGrade)).rejects.toThrow(
      `${badGrade}:3: grade: "x" is not an integer`,
    );
    const short = await fileWith('short.txt', 'q1 Q0 d1 1 2.0\n');
    await expect(readRun(short)).rejects.toThrow(/short\.txt:1: line: expected 6 fields/);
    const badScore = await fileWith('bad-score.txt', 'q1 Q0 d1 1 2.0 t\nq1 Q0 d2 2 1,5 t\n');
    await expect(readRun(badScore)).rejects.toBeInstanceOf(TrecFormatError);
    await expect(readRun(badScore)).rejects.toThrow(/:2: score: "1,5" is not a number/);
    const dup = await fileWith('dup.txt', 'q1 Q0 d1 1 2.0 t\nq1 Q0 d1 2 1.0 t\n');
    await expect(readRun(dup)).rejects.toThrow(/:2: docid: "d1" is retrieved twice/);
  });
});

describe('writing TREC files', () => {
  it('writes runs in trec_eval order with ranks, and reads them back identically', async () => {
    const run = { q2: { a: 1, b: 3 }, q1: { D10: 0.5, D9: 0.5, x: 1e-7 } };
    expect(formatRun(run, { tag: 'bm25' })).toBe(
      'q1 Q0 D9 1 0.5 bm25\nq1 Q0 D10 2 0.5 bm25\nq1 Q0 x 3 1e-7 bm25\n' +
        'q2 Q0 b 1 3 bm25\nq2 Q0 a 2 1 bm25\n',
    );
    const path = join(dir, 'out', 'run.txt');
    await writeRun(path, run);
    expect(await readRun(path)).toEqual(run);
    expect((await readdir(join(dir, 'out'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('round-trips the oracle files without changing any metric', async () => {
    const qrels = await readTrecQrels(QRELS);
    const run = await readRun(RUN);
    const runPath = join(dir, 'oracle-run.txt');
    const qrelsPath = join(dir, 'oracle-qrels.txt');
    await writeRun(runPath, run, { tag: 'oracle' });
    await writeQrels(qrelsPath, qrels);
    const again = evaluateRun(await readTrecQrels(qrelsPath), await readRun(runPath), [
      'map',
      'ndcg@10',
    ]);
    expect(again).toEqual(evaluateRun(qrels, run, ['map', 'ndcg@10']));
    expect((await readFile(runPath, 'utf8')).split('\n')[0]).toBe('q01 Q0 D1 1 100 oracle');
  });

  it('refuses ids with whitespace and non-finite scores', () => {
    expect(() => formatRun({ q: { 'a b': 1 } })).toThrow(/whitespace/);
    expect(() => formatRun({ q: { a: Infinity } })).toThrow(/Infinity/);
  });
});

describe('hostile ids and scores in TREC files', () => {
  it('reads ids shaped like Object.prototype members as plain keys and scores them right', async () => {
    const run = await readRun(
      await fileWith(
        'proto-run.txt',
        'constructor Q0 __proto__ 1 2 t\nconstructor Q0 toString 2 1 t\n',
      ),
    );
    const qrels = await readTrecQrels(
      await fileWith('proto-qrels.txt', 'constructor 0 toString 1\nconstructor 0 valueOf 1\n'),
    );
    expect(Object.getPrototypeOf(run)).toBeNull();
    expect(Object.keys(run['constructor']!)).toEqual(['__proto__', 'toString']);
    const got = evaluateRun(qrels, run, ['map', 'recall@10', 'ndcg@10']);
    const plain = evaluateRun({ q: { b: 1, c: 1 } }, { q: { a: 2, b: 1 } }, [
      'map',
      'recall@10',
      'ndcg@10',
    ]);
    expect(got.aggregate).toEqual(plain.aggregate);
    expect(got.aggregate['map']).toBeCloseTo(0.25, 12); // d at rank 2 relevant: (1/2) / 2 relevant
    expect(({} as Record<string, unknown>)['map']).toBeUndefined(); // nothing leaked into Object.prototype
  });

  it('refuses scores that overflow a double and grades beyond 2^53, naming file:line and field', async () => {
    await expect(readRun(await fileWith('inf.txt', 'q Q0 d 1 1e999 t\n'))).rejects.toThrow(
      /inf\.txt:1: score: "1e999" is beyond the range of a double/,
    );
    await expect(
      readTrecQrels(await fileWith('big.txt', 'q 0 d 99999999999999999999\n')),
    ).rejects.toThrow(/big\.txt:1: grade: "99999999999999999999" is not an integer/);
  });

  it('shortens a huge bad line in its message and names lines that are not UTF-8', async () => {
    const huge = await fileWith('huge.txt', 'x'.repeat(1 << 20) + '\n');
    const message = await readRun(huge).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/huge\.txt:1: line: expected 6 fields/);
    expect(message.length).toBeLessThan(300);
    const bad = join(dir, 'bad-utf8.txt');
    await writeFile(
      bad,
      Buffer.concat([Buffer.from('q Q0 d'), Buffer.from([0xff]), Buffer.from(' 1 1 t\n')]),
    );
    await expect(readRun(bad)).rejects.toThrow(/bad-utf8\.txt:1: line: not valid UTF-8/);
  });
});
