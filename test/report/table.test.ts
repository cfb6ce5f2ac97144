import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { tableHtml } from '../../src/report/table.js';

/** The visible text of each <td> in order. */
function cells(html: string): string[] {
  return [...html.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1] as string);
}

describe('tableHtml', () => {
  it('escapes cell text, headers and captions', () => {
    const html = tableHtml([{ '<col>': '<script>alert("x")</script> & more' }], {
      caption: 'a < b',
      id: 't1',
    });
    expect(html).toContain('<th scope="col">&lt;col&gt;</th>');
    expect(cells(html)).toEqual(['&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more']);
    expect(html).toContain('<caption>a &lt; b</caption>');
    expect(html).not.toContain('<script>alert');
  });

  it('marks the p cell and the named cells of rows below the threshold', () => {
    const rows = [
      { method: 'pruned', delta: -0.02, p: 0.004, sig: '*' },
      { method: 'kale', delta: 0.01, p: 0.27, sig: '' },
      { method: 'full', delta: null, p: null, sig: null },
    ];
    const html = tableHtml(rows, { mark: { column: 'p', below: 0.05, cells: ['delta', 'sig'] } });
    const marked = [...html.matchAll(/<td class="([^"]*kt-mark[^"]*)"[^>]*>(.*?)<\/td>/g)];
    expect(marked.map((m) => [m[1], m[2]])).toEqual([
      ['num kt-mark', '-0.020'],
      ['num kt-mark', '0.004'],
      ['kt-mark', '*'],
    ]);
    expect(html).toContain('td.kt-mark{');
    expect(() => tableHtml(rows, { mark: { column: 'q', below: 0.05 } })).toThrow(
      /mark\.column "q" is not a column/,
    );
  });

  it('formats numbers, keeps raw values for sorting and right-aligns them', () => {
    const html = tableHtml(
      [
        { name: 'a', mrr: 0.41234, n: 12000, missing: null },
        { name: 'b', mrr: 0.5, n: 3, missing: undefined },
      ],
      { columnDigits: { mrr: 2 } },
    );
    expect(cells(html)).toEqual(['a', '0.41', '12,000', '', 'b', '0.50', '3', '']);
    expect(html).toContain('<td class="num" data-v="0.41234">0.41</td>');
    expect(html).toContain('<td class="num" data-v="12000">12,000</td>');
    expect(html).toContain('<td class="null"></td>');
  });

  it('takes columns from an arquero table, in its order, and from rows in first-appearance order', () => {
    const t = aq.table({ b: [1, 2], a: ['x', 'y'] });
    const fromTable = tableHtml(t, { sortable: false });
    expect([...fromTable.matchAll(/<th scope="col">(.*?)<\/th>/g)].map((m) => m[1])).toEqual([
      'b',
      'a',
    ]);
    expect(cells(fromTable)).toEqual(['1', 'x', '2', 'y']);
    const fromRows = tableHtml([{ z: 1 }, { y: 2, z: 3 }], { sortable: false });
    expect([...fromRows.matchAll(/<th scope="col">(.*?)<\/th>/g)].map((m) => m[1])).toEqual([
      'z',
      'y',
    ]);
    expect(cells(fromRows)).toEqual(['1', '', '3', '2']);
  });

  it('pages long tables: first page visible, the rest hidden, a pager and the sort script', () => {
    const rows = Array.from({ length: 45 }, (_, i) => ({ i }));
    const html = tableHtml(rows, { pageSize: 20, id: 'pg' });
    expect((html.match(/<tr style="display:none">/g) ?? []).length).toBe(25);
    expect(html).toContain('1\u201320 of 45 rows');
    expect(html).toContain('data-p="next"');
    expect(html).toContain('document.getElementById("pg")');
    expect(tableHtml(rows, { pageSize: 0 })).not.toContain('display:none');
  });

  it('caps the rows written with maxRows and says so', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ i }));
    const html = tableHtml(rows, { maxRows: 10, pageSize: 0 });
    expect(cells(html)).toHaveLength(10);
    expect(html).toContain('Showing the first 10 of 30 rows');
    const big = aq.table({ i: Array.from({ length: 30 }, (_, i) => i) });
    expect(cells(tableHtml(big, { maxRows: 5 }))).toEqual(['0', '1', '2', '3', '4']);
  });

  it('selects and orders columns, and rejects unknown ones and bad input', () => {
    const rows = [{ a: 1, b: 2, c: 3 }];
    expect(cells(tableHtml(rows, { columns: ['c', 'a'] }))).toEqual(['3', '1']);
    expect(() => tableHtml(rows, { columns: ['nope'] })).toThrow(/unknown column "nope"/);
    expect(() => tableHtml([{ a: 1 }, 5 as never])).toThrow(/row 1 is not an object/);
    expect(() => tableHtml(rows, { pageSize: -1 })).toThrow(/pageSize/);
  });

  it('cuts long text and keeps the full text in a tooltip', () => {
    const long = 'word '.repeat(100).trim();
    const html = tableHtml([{ text: long }], { maxChars: 20 });
    expect(cells(html)[0]).toBe('word word word word…');
    expect(html).toContain(`title="${long}"`);
  });
});
