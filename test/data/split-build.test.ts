import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveLoadOptions } from '../../src/data/options.js';
import { LoadReportBuilder } from '../../src/data/report.js';
import { buildSplit, readSplit } from '../../src/data/split-build.js';
import { BEIR_HEADER, removeTempDatasets, tempDataset } from './helpers.js';

const queries = { q1: { text: 'one' }, q2: { text: 'two' }, q3: { text: 'three' } };

describe('buildSplit', () => {
  it('keeps the judged queries with a relevant document and counts the others', () => {
    const report = new LoadReportBuilder();
    const split = buildSplit(
      'qrels/test.tsv',
      queries,
      { q1: { d1: 1, d2: 0 }, q2: { d2: -1, d3: 0 } },
      report,
    );
    expect(Object.keys(split.queries)).toEqual(['q1']);
    expect(Object.keys(split.qrels)).toEqual(['q1']);
    expect(split.qrels['q1']).toEqual({ d1: 1, d2: 0 });
    const built = report.build();
    expect(built.skipped).toEqual({ 'qrels:no-relevant': 1 });
    expect(built.issues[0]!.message).toMatch(/query "q2" has no judgement with grade ≥ 1/);
  });

  it('is an error naming the qrels file when no query is left', () => {
    expect(() =>
      buildSplit('qrels/dev.tsv', queries, { q1: { d1: 0 } }, new LoadReportBuilder()),
    ).toThrow(/^qrels\/dev\.tsv: field "qrels": no judged query with a relevant document/);
  });
});

describe('readSplit', () => {
  afterAll(removeTempDatasets);
  const corpus = { d1: { title: '', text: 'a' }, d2: { title: '', text: 'b' } };

  it('reads a BEIR or TREC qrels file into the split, and lists every query its qrels name', async () => {
    const dir = tempDataset({
      'beir.tsv': `${BEIR_HEADER}q1\td1\t1\nq2\td2\t0\n`,
      'trec.tsv': 'q3 0 d2 2\n',
    });
    const report = new LoadReportBuilder();
    const options = resolveLoadOptions();
    const beir = await readSplit(
      join(dir, 'beir.tsv'),
      'beir',
      { queries, corpus },
      report,
      options,
    );
    expect(beir.split.qrels).toEqual({ q1: { d1: 1 } });
    expect([...beir.qrelsQueries]).toEqual(['q1', 'q2']);
    const trec = await readSplit(
      join(dir, 'trec.tsv'),
      'trec',
      { queries, corpus },
      report,
      options,
    );
    expect(trec.split.queries).toEqual({ q3: { text: 'three' } });
    expect(trec.split.qrels).toEqual({ q3: { d2: 2 } });
  });
});
