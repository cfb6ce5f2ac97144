/** Temporary dataset folders for the tests: written under os.tmpdir(), removed after. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { DatasetFormatError } from '../../src/data/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'data');

const made: string[] = [];

/** Writes `files` (relative path → content) into a fresh temp folder and returns it. */
export function tempDataset(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalelab-data-'));
  made.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

export function removeTempDatasets(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const jsonl = (...records: readonly unknown[]): string =>
  records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

export const BEIR_HEADER = 'query-id\tcorpus-id\tscore\n';

/**
 * Awaits `promise`, expects a DatasetFormatError and checks that it, and its message,
 * name the file (ending), the line and the field.
 */
export async function expectFormatError(
  promise: Promise<unknown>,
  where: { file: string; line: number; field: string; message?: RegExp },
): Promise<DatasetFormatError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetFormatError);
  const e = error as DatasetFormatError;
  expect(e.file.endsWith(where.file)).toBe(true);
  expect(e.line).toBe(where.line);
  expect(e.field).toBe(where.field);
  expect(e.message).toContain(where.line > 0 ? `${where.file}:${where.line}` : where.file);
  expect(e.message).toContain(`field "${where.field}"`);
  if (where.message) expect(e.message).toMatch(where.message);
  return e;
}
