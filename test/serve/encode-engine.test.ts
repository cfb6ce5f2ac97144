/**
 * `kalelab encode --engine`: tfjs and onnxruntime write the same vectors (1e-4), in input
 * order; an unknown engine is refused before anything is written.
 */
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixture, readExpected } from '../model/helpers.js';
import { useTempDir } from '../temp-dir.js';

const tmp = useTempDir('encode-engine');
const texts = (readExpected('tiny').inputs['batch'] as unknown as { texts: string[] }).texts;

async function encode(engine: string, out: string): Promise<{ code: number; stderr: string }> {
  const input = join(tmp(), 'in.jsonl');
  writeFileSync(
    input,
    texts.map((text, i) => JSON.stringify({ id: `t${i}`, text })).join('\n') + '\n',
  );
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
      '--engine',
      engine,
      '--batch-size',
      '2',
    ]);
  } finally {
    spy.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stderr: err.join('') };
}

const rows = (path: string): { id: string; embedding: number[] }[] =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; embedding: number[] });

describe('kalelab encode --engine', () => {
  it('tfjs and onnxruntime write the same vectors in input order', async () => {
    process.env['KALELAB_QUIET'] = '1';
    const a = await encode('tfjs', join(tmp(), 'tfjs.jsonl'));
    const b = await encode('onnxruntime', join(tmp(), 'ort.jsonl'));
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stderr).toMatch(/tfjs/);
    expect(b.stderr).toMatch(/onnxruntime/);
    const x = rows(join(tmp(), 'tfjs.jsonl'));
    const y = rows(join(tmp(), 'ort.jsonl'));
    expect(y.map((r) => r.id)).toEqual(texts.map((_, i) => `t${i}`));
    let maxAbs = 0;
    x.forEach((r, i) =>
      r.embedding.forEach((v, d) => (maxAbs = Math.max(maxAbs, Math.abs(v - y[i]!.embedding[d]!)))),
    );
    expect(maxAbs).toBeLessThan(1e-4);
  });

  it('refuses an unknown engine before writing', async () => {
    const r = await encode('cuda', join(tmp(), 'never.jsonl'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--engine: unknown engine "cuda"; allowed: auto, onnxruntime, tfjs/);
    expect(readdirSync(tmp())).not.toContain('never.jsonl');
  });
});
