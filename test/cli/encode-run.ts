/**
 * Runs `kalelab encode` in-process on the oracle's tiny checkpoint, for the tests of the
 * command (test/model/encode-command.test.ts) and of its engines
 * (test/serve/encode-engine.test.ts): writes the input lines, captures stderr and the exit
 * code, and reads the written vectors back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixture, readExpected } from '../model/helpers.js';

/** The oracle's batch texts (the inputs its tiny-checkpoint vectors were computed for). */
export const ORACLE_TEXTS: readonly string[] = (
  readExpected('tiny').inputs['batch'] as unknown as { texts: string[] }
).texts;

export interface EncodeRun {
  /** process.exitCode after the command (0 when it set none). */
  readonly code: number;
  readonly stderr: string;
}

/**
 * Writes `lines` (text, joined by newlines) to `dir`/in.jsonl and runs
 * `kalelab encode --model <tiny> --input it --out <out> ...flags`.
 */
export async function runEncode(
  dir: string,
  lines: readonly string[],
  out: string,
  flags: readonly string[] = [],
): Promise<EncodeRun> {
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, lines.join('\n') + '\n');
  const err: string[] = [];
  const spy = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((s) => (err.push(String(s)), true));
  process.exitCode = 0;
  try {
    await main([
      'node',
      'kalelab',
      'encode',
      '--model',
      fixture('tiny'),
      '--input',
      input,
      '--out',
      out,
      ...flags,
    ]);
  } finally {
    spy.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stderr: err.join('') };
}

/** The {"id","embedding"} lines of an output file. */
export function readEncoded(path: string): { id: string | number; embedding: number[] }[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string | number; embedding: number[] });
}
