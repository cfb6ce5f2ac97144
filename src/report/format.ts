/**
 * How one table cell is shown: numbers rounded for reading, everything else as short text.
 * The raw value is kept separately (tableHtml puts it in a data attribute for sorting);
 * this file only decides the visible text. It does not localise beyond en-US grouping.
 */

export interface CellFormat {
  /** Decimal places for non-integer numbers. */
  readonly digits: number;
  /** Longer strings are cut to this many characters, with "…" (the full text goes in a tooltip). */
  readonly maxChars: number;
}

/** The visible text of a cell and, when it was cut, the full text for a tooltip. */
export interface FormattedCell {
  readonly text: string;
  readonly full?: string;
  /** 'num' for numbers (right-aligned, numeric sort), 'null' for missing, 'text' otherwise. */
  readonly kind: 'num' | 'null' | 'text';
}

/**
 * Formats a number:
 * - integers: en-US digit grouping (1234567 → "1,234,567");
 * - other finite numbers: `digits` decimals (0.41234 → "0.412" at 3), except very small or
 *   very large magnitudes (< 10^-digits or ≥ 1e9), which use exponent form ("1.20e-4");
 * - NaN → "NaN", ±Infinity → "∞" / "−∞".
 */
export function formatNumber(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toLocaleString('en-US');
  const magnitude = Math.abs(value);
  if (magnitude >= 1e9 || magnitude < 10 ** -digits)
    return value.toExponential(Math.max(0, digits - 1));
  return value.toFixed(digits);
}

function cut(text: string, maxChars: number): FormattedCell {
  if (text.length <= maxChars) return { text, kind: 'text' };
  return { text: text.slice(0, Math.max(0, maxChars - 1)) + '…', full: text, kind: 'text' };
}

/** Formats any cell value (see formatNumber for numbers). */
export function formatCell(value: unknown, format: CellFormat): FormattedCell {
  if (value === null || value === undefined) return { text: '', kind: 'null' };
  if (typeof value === 'number') return { text: formatNumber(value, format.digits), kind: 'num' };
  if (typeof value === 'bigint') return { text: value.toLocaleString('en-US'), kind: 'num' };
  if (typeof value === 'string') return cut(value, format.maxChars);
  if (typeof value === 'boolean') return { text: String(value), kind: 'text' };
  if (value instanceof Date) return { text: value.toISOString(), kind: 'text' };
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: number }).length ?? value.byteLength;
    return { text: `${value.constructor.name}(${length})`, kind: 'text' };
  }
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return cut(json, format.maxChars);
}

/** The value a column sorts by: numbers as numbers, missing as null, the rest as text. */
export function sortKey(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return value;
  return null;
}
