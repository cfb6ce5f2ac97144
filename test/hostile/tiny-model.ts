/**
 * The tiny oracle checkpoint (test/fixtures/model/tiny) as case files, and ways to bend
 * it: another config.json, other tensors, another vocabulary.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  decodeFloat32,
  encodeSafetensors,
  parseSafetensors,
  type TensorToWrite,
} from '../../src/model/safetensors.js';
import type { FileSpec } from './corpus.js';

const DIR = fileURLToPath(new URL('../fixtures/model/tiny/', import.meta.url));

export const TINY_CONFIG: Readonly<Record<string, unknown>> = Object.freeze(
  JSON.parse(readFileSync(DIR + 'config.json', 'utf8')) as Record<string, unknown>,
);
export const TINY_VOCAB = readFileSync(DIR + 'vocab.txt', 'utf8');
const WEIGHTS = readFileSync(DIR + 'model.safetensors');

/** The tiny model's tensors as written by encodeSafetensors. */
export function tinyTensors(): TensorToWrite[] {
  const st = parseSafetensors(new Uint8Array(WEIGHTS));
  return [...st.header.tensors.values()].map((t) => ({
    name: t.name,
    shape: [...t.shape],
    data: decodeFloat32(st, t.name),
  }));
}

/** The checkpoint folder's files, `config` merged into config.json, `files` added or replacing. */
export function tinyModel(
  config: Record<string, unknown> = {},
  files: Record<string, FileSpec> = {},
): Record<string, FileSpec> {
  return {
    'config.json': JSON.stringify({ ...TINY_CONFIG, ...config }),
    'model.safetensors': new Uint8Array(WEIGHTS),
    'vocab.txt': TINY_VOCAB,
    ...files,
  };
}

/** model.safetensors with `edit` applied to the tensor list. */
export function tensorsFile(edit: (tensors: TensorToWrite[]) => TensorToWrite[]): Uint8Array {
  return encodeSafetensors(edit(tinyTensors()));
}
