/**
 * Preloaded into fault-injection children (`node --import tsx --import ./io-faults.ts`):
 * counts the file-system operations (see ../io-ops.ts) and, when KALELAB_FAULT_IO_AT=N is
 * set, SIGKILLs the process just before its N-th one (KALELAB_FAULT_IO_AT=rename:N: before
 * its N-th rename): a kill between any two steps of an atomic write (after the temporary
 * file is written, before the rename; between the renames of a folder swap). On a normal
 * exit it prints "io-ops <count> renames <count>" so the harness can draw kill points from
 * a full run's counts.
 */
import { writeSync } from 'node:fs';
import { watchFileOps } from '../io-ops.js';

const [, kind, at] = /^(?:(rename):)?(\d*)$/.exec(process.env.KALELAB_FAULT_IO_AT ?? '') ?? [];
const killAt = Number(at || '0');
let count = 0;
let renames = 0;
watchFileOps((name) => {
  count++;
  if (name === 'rename') renames++;
  const hit = kind === 'rename' ? name === 'rename' && renames === killAt : count === killAt;
  if (killAt > 0 && hit) process.kill(process.pid, 'SIGKILL');
});
process.on('exit', () => writeSync(1, `io-ops ${count} renames ${renames}\n`));
