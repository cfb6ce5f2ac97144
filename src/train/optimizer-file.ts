/**
 * AdamW's state on disk: the one format that training checkpoints (train/checkpoint.ts) and
 * alignment checkpoints (compress/checkpoint.ts) both write. A checkpoint folder holds
 * `optimizer.safetensors`:
 *   adamw.m/<parameter>   first moment, float32, the parameter's shape
 *   adamw.v/<parameter>   second moment, likewise
 *   __metadata__          {"format": "kalelab-adamw", "version": "2", "step": "<updates done>"}
 * (version 1 was optimizer.json + a raw optimizer.bin; it is refused with a clear error).
 *
 * Reading checks the metadata, that every parameter has both moments of one shape, and, when
 * the caller names its parameters, that the names are exactly those; errors name the file
 * and the tensor. `AdamW.setState` then checks the sizes against the live variables.
 *
 * It does not choose the folder, nor write the rest of a checkpoint.
 */
import { join } from 'node:path';
import {
  decodeFloat32,
  encodeSafetensors,
  readSafetensors,
  type TensorToWrite,
} from '../model/index.js';
import { pathExists, writeFileAtomic } from '../util/files.js';
import type { AdamWState } from './optimizer.js';

export const OPTIMIZER_FILE = 'optimizer.safetensors';
const FORMAT = 'kalelab-adamw';
const VERSION = '2';
const M = 'adamw.m/';
const V = 'adamw.v/';

/** Writes `state` to `<dir>/optimizer.safetensors` atomically. */
export async function writeOptimizerFile(dir: string, state: AdamWState): Promise<void> {
  const tensors: TensorToWrite[] = [];
  for (const [name, { m, v, shape }] of state.moments) {
    tensors.push({ name: M + name, shape, data: m });
    tensors.push({ name: V + name, shape, data: v });
  }
  const metadata = { format: FORMAT, version: VERSION, step: String(state.step) };
  await writeFileAtomic(join(dir, OPTIMIZER_FILE), encodeSafetensors(tensors, metadata));
}

/**
 * Reads `<dir>/optimizer.safetensors`. With `names`, the file must hold moments for exactly
 * those parameters.
 */
export async function readOptimizerFile(
  dir: string,
  names?: readonly string[],
): Promise<AdamWState> {
  const file = join(dir, OPTIMIZER_FILE);
  if (!(await pathExists(file)) && (await pathExists(join(dir, 'optimizer.json')))) {
    throw new Error(
      `${join(dir, 'optimizer.json')}: optimiser state in the format of an older kalelab (optimizer.json + optimizer.bin); ` +
        `this kalelab reads ${OPTIMIZER_FILE}. Remove ${dir} to start the run over`,
    );
  }
  const st = await readSafetensors(file);
  const { format, version, step } = st.header.metadata;
  if (format !== FORMAT || version !== VERSION) {
    throw new Error(
      `${file}: metadata "format"/"version" is ${String(format)}/${String(version)}, expected ${FORMAT}/${VERSION}`,
    );
  }
  const steps = Number(step);
  if (step === undefined || !/^\d+$/.test(step) || !Number.isSafeInteger(steps)) {
    throw new Error(`${file}: metadata "step" must be an integer ≥ 0, got ${JSON.stringify(step)}`);
  }
  const moments = new Map<string, { m: Float32Array; v: Float32Array; shape: number[] }>();
  for (const [tensor, entry] of st.header.tensors) {
    if (tensor.startsWith(V)) continue; // read with its first moment
    if (!tensor.startsWith(M)) throw new Error(`${file}: unexpected tensor "${tensor}"`);
    const name = tensor.slice(M.length);
    const second = st.header.tensors.get(V + name);
    if (!second || second.shape.join(',') !== entry.shape.join(',')) {
      throw new Error(
        `${file}: tensor "${V + name}" ${second ? `has shape [${second.shape.join(', ')}]` : 'is missing'}, "${tensor}" has [${entry.shape.join(', ')}]`,
      );
    }
    const m = decodeFloat32(st, tensor);
    moments.set(name, { m, v: decodeFloat32(st, V + name), shape: [...entry.shape] });
  }
  for (const tensor of st.header.tensors.keys()) {
    if (tensor.startsWith(V) && !moments.has(tensor.slice(V.length))) {
      throw new Error(
        `${file}: tensor "${tensor}" has no first moment "${M}${tensor.slice(V.length)}"`,
      );
    }
  }
  if (names) checkNames(file, names, moments);
  return { step: steps, moments };
}

function checkNames(
  file: string,
  names: readonly string[],
  moments: ReadonlyMap<string, unknown>,
): void {
  const wanted = new Set(names);
  const missing = names.filter((n) => !moments.has(n));
  const extra = [...moments.keys()].filter((n) => !wanted.has(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `${file}: moments do not match the parameters being trained` +
        (missing.length > 0 ? `; missing: ${missing.join(', ')}` : '') +
        (extra.length > 0 ? `; not trained: ${extra.join(', ')}` : ''),
    );
  }
}
