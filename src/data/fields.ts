/**
 * Small checked readers for one parsed record (a JSONL line, a DPR array element): each
 * throws a DatasetFormatError naming file, line and field when the value is missing or of
 * the wrong type. Also `collectBadLine`, the one place where 'badLines: count' turns a
 * thrown error into a counted issue.
 */
import { DatasetFormatError } from './errors.js';
import type { LoadReportBuilder } from './report.js';

export interface Where {
  readonly file: string;
  readonly line: number;
  /** Put before field names in errors, e.g. "[12]." for the 13th element of a JSON array. */
  readonly prefix?: string;
}

const fieldName = (at: Where, field: string): string => (at.prefix ?? '') + field;

/** The DatasetFormatError for `field` at `at` (the field named with `at.prefix`). */
export function fieldError(
  at: Where,
  field: string,
  message: string,
  value?: unknown,
): DatasetFormatError {
  return new DatasetFormatError(at.file, at.line, fieldName(at, field), message, value);
}

/** JSON.parse of one line, which must be an object. */
export function parseJsonObjectLine(at: Where, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw fieldError(at, '(json)', `malformed JSON: ${(error as Error).message}`, text);
  }
  return asObject(at, '(json)', value);
}

export function asObject(at: Where, field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fieldError(at, field, 'expected a JSON object', value);
  return value as Record<string, unknown>;
}

/**
 * An id: a non-empty string, or an integer up to 2^53 (converted to its decimal string).
 * A larger JSON number has already been rounded by JSON.parse (distinct ids would collide),
 * so it is an error asking for a string id.
 */
export function readId(at: Where, record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (value === undefined) throw fieldError(at, field, 'missing id');
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'number' && Number.isInteger(value))
    throw fieldError(
      at,
      field,
      'integer id above 2^53 cannot be read exactly from JSON; write it as a string',
      value,
    );
  if (typeof value !== 'string' || value.length === 0)
    throw fieldError(at, field, 'id must be a non-empty string', value);
  return value;
}

/** A string field; `fallback` when missing (or throws when no fallback is given). */
export function readString(
  at: Where,
  record: Record<string, unknown>,
  field: string,
  fallback?: string,
): string {
  const value = record[field];
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw fieldError(at, field, 'missing text field');
  }
  if (typeof value !== 'string') throw fieldError(at, field, 'expected a string', value);
  return value;
}

/** An array of strings (answers); `undefined` when missing. `label` names the field in errors. */
export function readStringArray(
  at: Where,
  record: Record<string, unknown>,
  field: string,
  label = field,
): string[] | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw fieldError(at, label, 'expected an array of strings', value);
  return value as string[];
}

/**
 * Handles an error thrown while parsing one line: rethrows it unless it is a
 * DatasetFormatError and bad lines are counted, in which case it goes into the report
 * under `kind` with its file, line and field.
 */
export function collectBadLine(
  error: unknown,
  badLines: 'error' | 'count',
  report: LoadReportBuilder,
  kind: string,
): void {
  if (badLines === 'count' && error instanceof DatasetFormatError) {
    report.issue(kind, {
      file: error.file,
      line: error.line,
      field: error.field,
      message: error.message,
    });
    return;
  }
  throw error;
}
