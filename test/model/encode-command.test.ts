/**
 * `embedTexts` (batched, length-sorted, input order) and the `kalelab encode` command end to
 * end on the oracle's tiny checkpoint: each output vector equals the oracle's CLS / mean vector
 * for the same text, in input order, and bad input lines are refused by file:line and field.
 * (Lives here because it exercises src/model; the lead may move it to test/cli.)
 */
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { disposeEncoder, embedTexts, loadEncoder } from '../../src/model/index.js';
import { main } from '../../src/cli/main.js';
import { fixture, maxViolation, readExpected } from './helpers.js';
import { useTempDir } from '../temp-dir.js';

const scratch = useTempDir('encode-command');

const expected = readExpected('tiny');
const texts = (expected.inputs['batch'] as unknown as { texts: string[] }).texts;

beforeAll(async () => {
  process.env['KALELAB_QUIET'] = '1';
  await initBackend({ prefer: 'cpu', announce: false });
});

describe('embedTexts', () => {
  it('gives the oracle vectors in input order, whatever the batch size', async () => {
    const { encoder, tokenizer } = await loadEncoder(fixture('tiny'));
    const before = tf.memory().numTensors;
    const events: number[] = [];
    for (const batchSize of [1, 2, 32]) {
      const cls = embedTexts(encoder, tokenizer, texts, {
        batchSize,
        progress: (e) => events.push(e.done),
      });
      expect(maxViolation(cls, expected.full['batch']!.cls.flat()).worst).toBeLessThanOrEqual(1);
      const mean = embedTexts(encoder, tokenizer, texts, { batchSize, pooling: 'mean' });
      expect(
        maxViolation(mean, expected.full['batch']!.mean_pooled.flat()).worst,
      ).toBeLessThanOrEqual(1);
    }
    expect(events.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => embedTexts(encoder, tokenizer, texts, { maxLength: 65 })).toThrow(
      /maxLength must be an integer in 2…64/,
    );
    disposeEncoder(encoder);
  });
});

describe('kalelab encode', () => {
  it('writes {"id","embedding"} per line, in input order, atomically', async () => {
    const dir = mkdtempSync(join(scratch(), 'encode-'));
    const input = join(dir, 'in.jsonl');
    writeFileSync(
      input,
      texts.map((text, i) => JSON.stringify({ id: i === 2 ? 7 : `t${i}`, text })).join('\n') +
        '\n\n',
    );
    const out = join(dir, 'out.jsonl');
    process.exitCode = undefined;
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
      '--pooling',
      'mean',
      '--batch-size',
      '2',
    ]);
    expect(process.exitCode).toBeUndefined();
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string | number; embedding: number[] });
    expect(rows.map((r) => r.id)).toEqual(['t0', 't1', 7, 't3', 't4']);
    expect(
      maxViolation(
        rows.flatMap((r) => r.embedding),
        expected.full['batch']!.mean_pooled.flat(),
      ).worst,
    ).toBeLessThanOrEqual(1);
    expect(readdirSync(dir).sort()).toEqual(['in.jsonl', 'out.jsonl']); // no temp file left
  });

  it('refuses a bad line by file:line and field, before writing anything', async () => {
    const dir = mkdtempSync(join(scratch(), 'encode-bad-'));
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, '{"id":"a","text":"ok"}\n{"id":"b","txt":"typo"}\n');
    const out = join(dir, 'out.jsonl');
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) =>
      errors.push(String(chunk)) > 0) as typeof process.stderr.write;
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
      ]);
    } finally {
      process.stderr.write = write;
    }
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    expect(errors.join('')).toMatch(/in\.jsonl:2: field "text" must be a string, got nothing/);
    expect(readdirSync(dir)).toEqual(['in.jsonl']);
  });
});
