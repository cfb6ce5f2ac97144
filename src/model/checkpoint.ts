/**
 * Hugging Face checkpoint folders: `config.json`, `model.safetensors` (or a sharded
 * `model.safetensors.index.json`), `vocab.txt`. Loading checks every tensor the config
 * implies, by name and shape, and says which is missing or wrong; extras (pooler.*, cls.*,
 * position_ids) are ignored and reported. A `bert.` prefix (BertForMaskedLM & co.) and the
 * old LayerNorm `gamma`/`beta` names are accepted. Linear weights are transposed once here,
 * [out, in] on disk ↔ [in, out] in memory.
 *
 * It never reads pickled PyTorch `.bin` files (unpickling runs arbitrary code): a folder
 * that only has one gets an error pointing to safetensors. Saving writes the whole folder
 * atomically (a fresh sibling renamed into place), F32, loadable by `transformers`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { pathExists } from '../util/files.js';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WordPieceTokenizer } from '../text/index.js';
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic } from '../util/index.js';
import { parseJson } from '../util/json.js';
import { configFromHf, configToHf, parameterCount, type BertConfig } from './config.js';
import {
  decodeFloat32,
  encodeSafetensors,
  readSafetensors,
  type SafetensorsFile,
  type TensorToWrite,
} from './safetensors.js';
import {
  disposeEncoder,
  expectedShapes,
  isLinearWeight,
  memoryShape,
  parseLayerName,
  type Encoder,
} from './weights.js';

export interface CheckpointReport {
  /** Tensors in the file that the encoder does not use (pooler, MLM head, position_ids…), sorted. */
  readonly unexpected: string[];
}

export interface LoadOptions {
  /** Mark the loaded variables trainable (default true). */
  readonly trainable?: boolean;
}

/** Files a checkpoint folder may hold; saveEncoder refuses to replace a folder with others. */
const CHECKPOINT_FILES: ReadonlySet<string> = new Set([
  'config.json',
  'model.safetensors',
  'model.safetensors.index.json',
  'vocab.txt',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
]);

/** Encoder, tokenizer and report from a Hugging Face BERT folder. */
export async function loadEncoder(
  dir: string,
  options: LoadOptions = {},
): Promise<{ encoder: Encoder; tokenizer: WordPieceTokenizer; report: CheckpointReport }> {
  const { encoder, report } = await loadEncoderWeights(dir, options);
  try {
    const tokenizer = await WordPieceTokenizer.fromDir(dir);
    if (tokenizer.vocab.length > encoder.config.vocabSize) {
      throw new Error(
        `${dir}: the vocabulary has ${tokenizer.vocab.length} tokens but config.json vocab_size is ${encoder.config.vocabSize}`,
      );
    }
    return { encoder, tokenizer, report };
  } catch (error) {
    disposeEncoder(encoder);
    throw error;
  }
}

/** The encoder alone (no tokenizer) from a Hugging Face BERT folder. */
export async function loadEncoderWeights(
  dir: string,
  options: LoadOptions = {},
): Promise<{ encoder: Encoder; report: CheckpointReport }> {
  const config = await readConfig(dir);
  const files = await readWeightFiles(dir);
  checkWeightBytes(dir, config, files);
  const found = indexTensors(files);
  const expected = expectedShapes(config);
  const problems: string[] = [];
  for (const [name, shape] of expected) {
    const hit = found.get(name);
    if (hit === undefined) {
      problems.push(`missing tensor "${name}" (expected shape [${shape.join(', ')}])`);
      continue;
    }
    const got = hit.file.header.tensors.get(hit.stored)!.shape;
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      problems.push(
        `tensor "${hit.stored}" has shape [${got.join(', ')}], expected [${shape.join(', ')}] from config.json`,
      );
    }
  }
  const unexpected: string[] = [];
  for (const [name, hit] of found) {
    if (expected.has(name)) continue;
    const layer = parseLayerName(name);
    if (layer !== undefined && layer.layer >= config.numHiddenLayers) {
      problems.push(
        `tensor "${hit.stored}" belongs to layer ${layer.layer}, but config.json has num_hidden_layers ${config.numHiddenLayers}`,
      );
    } else {
      unexpected.push(hit.stored);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).join('; ');
    const more = problems.length > 8 ? `; and ${problems.length - 8} more` : '';
    throw new Error(`${dir}: checkpoint does not match config.json: ${shown}${more}`);
  }
  const trainable = options.trainable ?? true;
  const weights = new Map<string, tf.Variable>();
  try {
    for (const [name, diskShape] of expected) {
      const hit = found.get(name)!;
      const values = decodeFloat32(hit.file, hit.stored);
      const value = tf.tidy(() => {
        const t = tf.tensor(values, diskShape, 'float32');
        return isLinearWeight(name) ? tf.transpose(t) : t; // [out, in] → [in, out]
      });
      weights.set(name, tf.variable(value, trainable));
      value.dispose();
    }
  } catch (error) {
    disposeEncoder({ config, weights });
    throw error;
  }
  return { encoder: { config, weights }, report: { unexpected: unexpected.sort() } };
}

/**
 * The weights must hold at least 2 bytes (F16/BF16) per parameter config.json implies;
 * checked before the expected tensors are listed, so a config that describes a far larger
 * model than its files fails at once, naming both.
 */
function checkWeightBytes(
  dir: string,
  config: BertConfig,
  files: readonly SafetensorsFile[],
): void {
  const params = parameterCount(config);
  const bytes = files.reduce((sum, f) => sum + f.data.length, 0);
  if (params * 2 > bytes)
    throw new Error(
      `${join(dir, 'config.json')}: describes a model of ${params} parameters (num_hidden_layers ` +
        `${config.numHiddenLayers}, hidden_size ${config.hiddenSize}, vocab_size ${config.vocabSize}), ` +
        `but the weight files hold ${bytes} bytes, under 2 bytes per parameter`,
    );
}

async function readConfig(dir: string): Promise<BertConfig> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `${path}: cannot read the model config (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error },
    );
  }
  return configFromHf(parseJson(text, path), path);
}

async function readWeightFiles(dir: string): Promise<SafetensorsFile[]> {
  const single = join(dir, 'model.safetensors');
  if (await pathExists(single)) return [await readSafetensors(single)];
  const indexPath = join(dir, 'model.safetensors.index.json');
  if (await pathExists(indexPath)) {
    let index: { weight_map?: unknown };
    try {
      index = JSON.parse(await readFile(indexPath, 'utf8')) as { weight_map?: unknown };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new Error(
        `${indexPath}: ${e.code ? `cannot read (${e.code})` : `not valid JSON (${e.message})`}`,
        {
          cause: error,
        },
      );
    }
    const map = typeof index === 'object' && index !== null ? index.weight_map : undefined;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      throw new Error(`${indexPath}: field "weight_map" must be an object of tensor → shard file`);
    }
    const values = Object.values(map as Record<string, unknown>);
    const bad = values.find((v) => typeof v !== 'string' || v === '');
    if (bad !== undefined)
      throw new Error(
        `${indexPath}: field "weight_map": shard ${JSON.stringify(bad)} is not a file name`,
      );
    const shards = [...new Set(values as string[])].sort();
    const out: SafetensorsFile[] = [];
    for (const shard of shards) {
      if (shard.includes('/') || shard.includes('\\'))
        throw new Error(`${indexPath}: shard name "${shard}" must be a plain file name`);
      out.push(await readSafetensors(join(dir, shard)));
    }
    return out;
  }
  const entries = await readdir(dir).catch(() => {
    throw new Error(`${dir}: not a readable checkpoint folder`);
  });
  const pickles = entries.filter(
    (f) => f.endsWith('.bin') || f.endsWith('.pt') || f.endsWith('.pth'),
  );
  if (pickles.length > 0) {
    throw new Error(
      `${dir}: has ${pickles.join(', ')} but no model.safetensors. kalelab never reads pickled PyTorch files ` +
        '(unpickling can run arbitrary code). Convert it once in Python: ' +
        '`AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)`, or download the model.safetensors the Hub provides.',
    );
  }
  throw new Error(`${dir}: no model.safetensors (nor model.safetensors.index.json) found`);
}

interface Located {
  readonly file: SafetensorsFile;
  /** The name as stored in the file (with any prefix / old names). */
  readonly stored: string;
}

/** Canonical HF BertModel name → where it is, after stripping `bert.` and renaming gamma/beta. */
function indexTensors(files: readonly SafetensorsFile[]): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const file of files) {
    for (const stored of file.header.tensors.keys()) {
      const name = canonicalName(stored);
      const prev = out.get(name);
      if (prev !== undefined) {
        throw new Error(
          `${file.file}: tensors "${prev.stored}" and "${stored}" both map to "${name}"`,
        );
      }
      out.set(name, { file, stored });
    }
  }
  return out;
}

function canonicalName(stored: string): string {
  let name = stored.startsWith('bert.') ? stored.slice('bert.'.length) : stored;
  if (name.includes('LayerNorm.'))
    name = name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
  return name;
}

/**
 * Writes `encoder` and `tokenizer` as a Hugging Face folder (config.json, model.safetensors
 * in F32, vocab.txt), replacing `dir` atomically. Refuses a `dir` that holds files other
 * than checkpoint files, so it never deletes unrelated work.
 */
export async function saveEncoder(
  dir: string,
  encoder: Encoder,
  tokenizer: WordPieceTokenizer,
): Promise<void> {
  const expected = expectedShapes(encoder.config);
  const problems: string[] = [];
  for (const [name, diskShape] of expected) {
    const v = encoder.weights.get(name);
    const shape = memoryShape(name, diskShape);
    if (v === undefined) problems.push(`missing "${name}"`);
    else if (v.shape.join(',') !== shape.join(','))
      problems.push(`"${name}" is [${v.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  for (const name of encoder.weights.keys())
    if (!expected.has(name)) problems.push(`unexpected "${name}"`);
  if (problems.length > 0)
    throw new Error(
      `saveEncoder ${dir}: encoder does not match its config: ${problems.slice(0, 8).join('; ')}`,
    );
  if (tokenizer.vocab.length > encoder.config.vocabSize) {
    throw new Error(
      `saveEncoder ${dir}: the vocabulary has ${tokenizer.vocab.length} tokens, more than vocabSize ${encoder.config.vocabSize}`,
    );
  }
  const foreign = (await readdir(dir).catch(() => [] as string[])).filter(
    (f) => !CHECKPOINT_FILES.has(f),
  );
  if (foreign.length > 0) {
    throw new Error(
      `saveEncoder: ${dir} holds other files (${foreign.slice(0, 5).join(', ')}); refusing to replace the folder — save into a fresh one`,
    );
  }
  const tensors: TensorToWrite[] = [];
  for (const [name, diskShape] of expected) {
    const v = encoder.weights.get(name)!;
    const data = isLinearWeight(name)
      ? tf.tidy(() => tf.transpose(v).dataSync() as Float32Array) // [in, out] → [out, in]
      : (v.dataSync() as Float32Array).slice();
    tensors.push({ name, shape: diskShape, data });
  }
  const bytes = encodeSafetensors(tensors);
  await writeDirAtomic(dir, async (tmp) => {
    await writeJsonAtomic(join(tmp, 'config.json'), configToHf(encoder.config));
    await writeFileAtomic(join(tmp, 'model.safetensors'), bytes);
    await tokenizer.saveVocab(join(tmp, 'vocab.txt'));
  });
}
