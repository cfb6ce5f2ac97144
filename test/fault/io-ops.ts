/**
 * Counting the file-system operations of node:fs/promises (open, writeFile, rename, mkdir,
 * rm, …), in a child (children/io-faults.ts, which kills at a chosen one) or in the test
 * process (to learn how many renames an uninterrupted run makes). ESM imports of
 * node:fs/promises see the wrapped functions through syncBuiltinESMExports.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

export const COUNTED_OPS: readonly string[] = Object.freeze([
  'open',
  'writeFile',
  'appendFile',
  'rename',
  'mkdir',
  'rm',
  'unlink',
  'copyFile',
  'truncate',
  'rmdir',
]);

/** Calls `onOp(name)` before every counted operation; returns a function that undoes it. */
export function watchFileOps(onOp: (name: string) => void): () => void {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const originals = COUNTED_OPS.map((name) => fsp[name]!);
  COUNTED_OPS.forEach((name, i) => {
    fsp[name] = (...args: unknown[]) => {
      onOp(name);
      return originals[i]!(...args);
    };
  });
  syncBuiltinESMExports();
  return () => {
    COUNTED_OPS.forEach((name, i) => (fsp[name] = originals[i]!));
    syncBuiltinESMExports();
  };
}

/** Runs `fn` and returns how many renames it made. */
export async function countRenames(fn: () => Promise<void>): Promise<number> {
  let renames = 0;
  const stop = watchFileOps((name) => {
    if (name === 'rename') renames++;
  });
  try {
    await fn();
  } finally {
    stop();
  }
  return renames;
}
