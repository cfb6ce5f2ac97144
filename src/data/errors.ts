/**
 * The one error type of the dataset loaders: it names the file, the 1-based line (0 for
 * the file as a whole), the field and the bad value, so a user can open the file and fix
 * it. Loaders throw it for bad input; they never throw bare `Error`s about data.
 */

/** Shortens a value for an error message: JSON, at most `max` characters. */
export function formatValue(value: unknown, max = 80): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const NO_VALUE = Symbol('no value');

export class DatasetFormatError extends Error {
  readonly file: string;
  readonly line: number;
  readonly field: string;

  /**
   * @param problem what is wrong, e.g. "duplicate id (first seen on line 3)"
   * @param value the bad value, shown as "(got …)"; leave it out when there is none (a missing field)
   */
  constructor(
    file: string,
    line: number,
    field: string,
    problem: string,
    value: unknown = NO_VALUE,
  ) {
    const where = line > 0 ? `${file}:${line}` : file;
    const got = value === NO_VALUE ? '' : ` (got ${formatValue(value)})`;
    super(`${where}: field "${field}": ${problem}${got}`);
    this.name = 'DatasetFormatError';
    this.file = file;
    this.line = line;
    this.field = field;
  }
}
