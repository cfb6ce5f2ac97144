/**
 * Preloaded into fault-injection children (`node --import tsx --import ./io-faults.ts`):
 * counts the file-system operations of node:fs/promises (open, writeFile, rename, mkdir,
 * rm, …) and, when KALELAB_FAULT_IO_AT=N is set, SIGKILLs the process just before its
 * N-th one (KALELAB_FAULT_IO_AT=rename:N: before its N-th rename): a kill between any two
 * steps of an atomic write (after the temporary file is written, before the rename;
 * between the renames of a folder swap). On a normal exit it prints "io-ops <count>
 * renames <count>" so the harness can draw kill points from a full run's counts.
 */
import { writeSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const OPS = [
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
];
const [, kind, at] = /^(?:(rename):)?(\d*)$/.exec(process.env.KALELAB_FAULT_IO_AT ?? '') ?? [];
const killAt = Number(at ?? '0');
const fsp = createRequire(import.meta.url)('node:fs/promises') as Record<
  string,
  (...args: unknown[]) => unknown
>;
let count = 0;
let renames = 0;
for (const name of OPS) {
  const original = fsp[name]!;
  fsp[name] = (...args: unknown[]) => {
    count++;
    if (name === 'rename') renames++;
    if (
      killAt > 0 &&
      (kind === 'rename' ? name === 'rename' && renames === killAt : count === killAt)
    )
      process.kill(process.pid, 'SIGKILL');
    return original(...args);
  };
}
syncBuiltinESMExports(); // ESM imports of node:fs/promises now see the counting versions
process.on('exit', () => writeSync(1, `io-ops ${count} renames ${renames}\n`));
