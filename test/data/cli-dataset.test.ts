import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main.js';
import { FIXTURES } from './helpers.js';

/** Runs `kalelab dataset ...` in-process and returns what it wrote to stdout. */
async function run(args: readonly string[]): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const program = buildProgram();
    program.exitOverride();
    await program.parseAsync(['node', 'kalelab', 'dataset', ...args]);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

describe('kalelab dataset', () => {
  afterEach(() => vi.restoreAllMocks());
  const spec = `beir:${join(FIXTURES, 'beir-mini')}`;

  it('--json prints documents and per-split queries and qrels', async () => {
    const out = JSON.parse(await run(['--dataset', spec, '--json'])) as Record<string, unknown>;
    expect(out).toMatchObject({
      spec,
      name: 'beir-mini',
      mainMetric: 'ndcg@10',
      documents: 4,
      splits: { train: { queries: 2, qrels: 3 }, test: { queries: 2, qrels: 2 } },
      issues: [],
    });
    expect(typeof out['loadSeconds']).toBe('number');
  });

  it('prints a readable table without --json', async () => {
    const out = await run(['--dataset', spec]);
    expect(out).toMatch(/^beir-mini .* main metric ndcg@10/);
    expect(out).toMatch(/^corpus\s+4\s+-\s+-/m);
    expect(out).toMatch(/^train\s+2\s+3\s+1\s/m);
    expect(out).toMatch(/^test\s+2\s+2\s+1\s/m);
    expect(out).toContain('skipped: blank-line 1');
  });

  it('fails with the loader’s message for a bad spec', async () => {
    await expect(run(['--dataset', 'nope:x'])).rejects.toThrow(/unknown kind "nope"/);
  });
});
