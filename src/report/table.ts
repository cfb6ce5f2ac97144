/**
 * tableHtml: an arquero table or an array of row objects as one self-contained HTML
 * fragment — escaped cells, rounded numbers, sortable headers and pages via a tiny inline
 * script (see table-script.ts). It renders; it does not filter, aggregate or reorder
 * data (do that with arquero first).
 */
import { randomBytes } from 'node:crypto';
import type { ColumnTable } from 'arquero';
import { escapeHtml } from './escape.js';
import { formatCell, sortKey, type CellFormat } from './format.js';
import { TABLE_CSS, tableScript } from './table-script.js';

/** A plain row: column name → value. */
export type TableRow = Readonly<Record<string, unknown>>;

/** What tableHtml accepts: an arquero table or rows as objects. */
export type TableInput = ColumnTable | readonly TableRow[];

export interface TableOptions {
  /** Columns to show, in this order. Default: all (arquero's order, or first appearance in rows). */
  readonly columns?: readonly string[];
  /** Decimal places for non-integer numbers (default 3: metrics like 0.412 read well). */
  readonly digits?: number;
  /** Per-column decimal places, overriding `digits`. */
  readonly columnDigits?: Readonly<Record<string, number>>;
  /** Rows per page; 0 shows all rows (default 20, a screenful). */
  readonly pageSize?: number;
  /** At most this many rows are written into the HTML (default 5000: keeps notebooks small). */
  readonly maxRows?: number;
  /** Longer text cells are cut, the full text in a tooltip (default 300). */
  readonly maxChars?: number;
  /** Caption above the table. */
  readonly caption?: string;
  /** Click a header to sort (default true). */
  readonly sortable?: boolean;
  /** Element id of the wrapper (default: random, so tables in one page never clash). */
  readonly id?: string;
  /**
   * Marks significant results: a row whose number in `column` is below `below` (e.g. p <
   * 0.05) gets that cell and the cells of `cells` in bold on a tint (class "kt-mark").
   */
  readonly mark?: {
    readonly column: string;
    readonly below: number;
    readonly cells?: readonly string[];
  };
}

/** Frozen defaults; each is documented on TableOptions. */
export const DEFAULT_TABLE_OPTIONS = Object.freeze({
  digits: 3,
  pageSize: 20,
  maxRows: 5000,
  maxChars: 300,
  sortable: true,
});

interface Extracted {
  readonly columns: readonly string[];
  readonly rows: readonly TableRow[];
  readonly totalRows: number;
}

function isArqueroTable(input: TableInput): input is ColumnTable {
  const candidate = input as Partial<ColumnTable>;
  return (
    typeof candidate.columnNames === 'function' &&
    typeof candidate.objects === 'function' &&
    typeof candidate.numRows === 'function'
  );
}

function extract(input: TableInput, maxRows: number): Extracted {
  if (isArqueroTable(input)) {
    return {
      columns: input.columnNames(),
      rows: input.objects({ limit: maxRows }) as TableRow[],
      totalRows: input.numRows(),
    };
  }
  if (!Array.isArray(input)) {
    throw new TypeError(
      `tableHtml: expected an arquero table or an array of row objects, got ${typeof input}`,
    );
  }
  const seen = new Set<string>();
  input.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new TypeError(`tableHtml: row ${i} is not an object (got ${JSON.stringify(row)})`);
    }
    for (const key of Object.keys(row)) seen.add(key);
  });
  return { columns: [...seen], rows: input.slice(0, maxRows), totalRows: input.length };
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`tableHtml: option ${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

function randomId(): string {
  return `kt-${randomBytes(5).toString('hex')}`;
}

/** Renders `input` as an HTML fragment: <div class="kalelab-table"> with style, table and script. */
export function tableHtml(input: TableInput, options: TableOptions = {}): string {
  const digits = checkCount('digits', options.digits ?? DEFAULT_TABLE_OPTIONS.digits, 0);
  const pageSize = checkCount('pageSize', options.pageSize ?? DEFAULT_TABLE_OPTIONS.pageSize, 0);
  const maxRows = checkCount('maxRows', options.maxRows ?? DEFAULT_TABLE_OPTIONS.maxRows, 1);
  const maxChars = checkCount('maxChars', options.maxChars ?? DEFAULT_TABLE_OPTIONS.maxChars, 2);
  const sortable = options.sortable ?? DEFAULT_TABLE_OPTIONS.sortable;
  const id = options.id ?? randomId();

  const data = extract(input, maxRows);
  const columns = options.columns ?? data.columns;
  for (const column of options.columns ?? []) {
    if (!data.columns.includes(column)) {
      throw new RangeError(
        `tableHtml: unknown column "${column}"; the table has ${JSON.stringify(data.columns)}`,
      );
    }
  }
  const formats: readonly CellFormat[] = columns.map((c) => ({
    digits: checkCount(`columnDigits.${c}`, options.columnDigits?.[c] ?? digits, 0),
    maxChars,
  }));

  const mark = options.mark;
  if (mark !== undefined && !data.columns.includes(mark.column)) {
    throw new RangeError(
      `tableHtml: option mark.column "${mark.column}" is not a column; the table has ${JSON.stringify(data.columns)}`,
    );
  }
  const marked = (row: TableRow, column: string): boolean => {
    if (mark === undefined || (column !== mark.column && !(mark.cells ?? []).includes(column)))
      return false;
    const v = row[mark.column];
    return typeof v === 'number' && v < mark.below;
  };
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = data.rows
    .map((row, r) => {
      const hidden = pageSize > 0 && r >= pageSize ? ' style="display:none"' : '';
      const cells = columns.map((c, j) => {
        const value = row[c];
        const cell = formatCell(value, formats[j] as CellFormat);
        const key = sortKey(value);
        const classes = [
          ...(cell.kind === 'num' || cell.kind === 'null' ? [cell.kind] : []),
          ...(marked(row, c) ? ['kt-mark'] : []),
        ];
        const attrs =
          (classes.length > 0 ? ` class="${classes.join(' ')}"` : '') +
          (typeof key === 'number' ? ` data-v="${key}"` : '') +
          (cell.full !== undefined ? ` title="${escapeHtml(cell.full)}"` : '');
        return `<td${attrs}>${escapeHtml(cell.text)}</td>`;
      });
      return `<tr${hidden}>${cells.join('')}</tr>`;
    })
    .join('\n');

  const shown = data.rows.length;
  const truncated =
    shown < data.totalRows
      ? `<div class="kt-note">Showing the first ${shown.toLocaleString('en-US')} of ${data.totalRows.toLocaleString('en-US')} rows (maxRows).</div>`
      : '';
  const firstPage = pageSize > 0 ? Math.min(pageSize, shown) : shown;
  const pager =
    pageSize > 0 && shown > pageSize
      ? `<div class="kt-pager"><button type="button" data-p="first">«</button><button type="button" data-p="prev">‹</button>` +
        `<span class="kt-info">1\u2013${firstPage} of ${shown} rows</span>` +
        `<button type="button" data-p="next">›</button><button type="button" data-p="last">»</button></div>`
      : '';
  const caption =
    options.caption !== undefined ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  const script =
    sortable || pager !== '' ? `<script>${tableScript(id, pageSize, sortable)}</script>` : '';
  return (
    `<div class="kalelab-table" id="${escapeHtml(id)}"><style>${TABLE_CSS}</style>` +
    `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>` +
    `${pager}${truncated}${script}</div>`
  );
}
