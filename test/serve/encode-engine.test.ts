/**
 * `kalelab encode --engine`: tfjs and onnxruntime write the same vectors (1e-4), in input
 * order; an unknown engine is refused before anything is written.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORACLE_TEXTS, readEncoded, runEncode } from '../cli/encode-run.js';
import { useTempDir } from '../temp-dir.js';

const tmp = useTempDir('encode-engine');
const texts = ORACLE_TEXTS;
const lines = texts.map((text, i) => JSON.stringify({ id: `t${i}`, text }));
const encode = (engine: string, out: string) =>
  runEncode(tmp(), lines, out, ['--engine', engine, '--batch-size', '2']);
const rows = readEncoded;

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
