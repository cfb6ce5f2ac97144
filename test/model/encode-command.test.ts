/**
 * `embedTexts` (batched, length-sorted, input order) and the `kalelab encode` command end to
 * end on the oracle's tiny checkpoint: each output vector equals the oracle's CLS / mean vector
 * for the same text, in input order, and bad input lines are refused by file:line and field.
 * (Lives here because it exercises src/model; the lead may move it to test/cli.)
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/index.js';
import { disposeEncoder, embedTexts, loadEncoder } from '../../src/model/index.js';
import { readEncoded, runEncode, ORACLE_TEXTS } from '../cli/encode-run.js';
import { fixture, maxViolation, readExpected } from './helpers.js';
import { useTempDir } from '../temp-dir.js';

const scratch = useTempDir('encode-command');

const expected = readExpected('tiny');
const texts = ORACLE_TEXTS;

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
    const out = join(dir, 'out.jsonl');
    const lines = texts.map((text, i) => JSON.stringify({ id: i === 2 ? 7 : `t${i}`, text }));
    const r = await runEncode(dir, [...lines, ''], out, ['--pooling', 'mean', '--batch-size', '2']);
    expect(r.code).toBe(0);
    const rows = readEncoded(out);
    expect(rows.map((row) => row.id)).toEqual(['t0', 't1', 7, 't3', 't4']);
    expect(
      maxViolation(
        rows.flatMap((row) => row.embedding),
        expected.full['batch']!.mean_pooled.flat(),
      ).worst,
    ).toBeLessThanOrEqual(1);
    expect(readdirSync(dir).sort()).toEqual(['in.jsonl', 'out.jsonl']); // no temp file left
  });

  it('refuses a bad line by file:line and field, before writing anything', async () => {
    const dir = mkdtempSync(join(scratch(), 'encode-bad-'));
    const lines = ['{"id":"a","text":"ok"}', '{"id":"b","txt":"typo"}'];
    const r = await runEncode(dir, lines, join(dir, 'out.jsonl'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/in\.jsonl:2: field "text" must be a string, got nothing/);
    expect(readdirSync(dir)).toEqual(['in.jsonl']);
  });
});
