import { describe, expect, it } from 'vitest';
import { LoadReportBuilder } from '../../src/data/report.js';
import { buildSplit } from '../../src/data/split-build.js';

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
