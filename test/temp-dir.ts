/**
 * Temporary directories for tests, removed when the tests are done with them (the helpers
 * the many suites that write files share).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A fresh directory for the tests of a file or a describe block: made before them, removed
 * after them. Returns a getter: the directory exists only once the tests run.
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `kalelab-${prefix}-`));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error(`useTempDir('${prefix}'): read it in a test or hook`);
    return dir;
  };
}

/** Runs `fn` in a fresh directory, removed afterwards whether `fn` succeeds or throws. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `kalelab-${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
