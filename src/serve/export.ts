/**
 * `exportOnnx`: an encoder and its tokenizer → a model folder that ONNX Runtime,
 * transformers.js (feature-extraction) and sentence-transformers' ONNX backend load:
 *   config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.txt,
 *   modules.json, sentence_bert_config.json, 1_Pooling/config.json,
 *   onnx/model.onnx and, with quantize 'int8', onnx/model_quantized.onnx.
 * The folder is written under a temporary name and renamed at the end, so a failed export
 * leaves nothing half-written; a folder holding anything else is refused, never replaced.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { validateConfig } from '../model/config.js';
import { POOLINGS, type Encoder, type Pooling } from '../model/weights.js';
import type { WordPieceTokenizer } from '../text/index.js';
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic } from '../util/index.js';
import {
  modelConfigJson,
  sentenceTransformersFiles,
  specialTokensMapJson,
  tokenizerConfigJson,
  tokenizerJson,
} from './hf-files.js';
import { DEFAULT_OPSET, onnxModels, type Precision } from './model-bytes.js';

export type Quantization = 'int8';
export const QUANTIZATIONS: readonly Quantization[] = Object.freeze(['int8']);

export interface ExportOptions {
  /** Pooling of `sentence_embedding`: 'cls' (default, the paper's) or 'mean'. */
  readonly pooling?: Pooling;
  /** Unit-normalise `sentence_embedding` (default false; true for cosine-trained models). */
  readonly normalize?: boolean;
  /** Also write onnx/model_quantized.onnx with dynamic int8 MatMuls (default: none). */
  readonly quantize?: Quantization;
  /** ai.onnx opset (default 17). */
  readonly opset?: number;
}

export const DEFAULT_EXPORT_OPTIONS = Object.freeze({
  pooling: 'cls' as Pooling,
  normalize: false,
  opset: DEFAULT_OPSET,
});

/** Every file exportOnnx writes (a folder holding only these may be replaced). */
export const EXPORT_FILES: ReadonlySet<string> = new Set([
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'modules.json',
  'sentence_bert_config.json',
  '1_Pooling',
  'onnx',
]);

export interface ExportReport {
  readonly dir: string;
  /** Paths written, relative to `dir`. */
  readonly files: readonly string[];
  /** Bytes of onnx/model.onnx (and model_quantized.onnx). */
  readonly onnxBytes: Readonly<Record<string, number>>;
}

/** Throws unless `dir` is absent, empty or a previous export (nothing else would be lost). */
async function checkTarget(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new Error(`${dir}: cannot use as the output folder (${code ?? String(error)})`, {
      cause: error,
    });
  }
  const others = entries.filter((e) => !EXPORT_FILES.has(e));
  if (others.length > 0) {
    throw new Error(
      `${dir}: the output folder already holds other files (${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}); choose an empty or new folder`,
    );
  }
}

function resolve(options: ExportOptions): Required<Omit<ExportOptions, 'quantize'>> & {
  quantize?: Quantization;
} {
  const pooling = options.pooling ?? DEFAULT_EXPORT_OPTIONS.pooling;
  if (!POOLINGS.includes(pooling)) {
    throw new Error(
      `exportOnnx: unknown pooling "${String(pooling)}"; allowed: ${POOLINGS.join(', ')}`,
    );
  }
  if (options.quantize !== undefined && !QUANTIZATIONS.includes(options.quantize)) {
    throw new Error(
      `exportOnnx: unknown quantization "${String(options.quantize)}"; allowed: ${QUANTIZATIONS.join(', ')}`,
    );
  }
  return {
    pooling,
    normalize: options.normalize ?? DEFAULT_EXPORT_OPTIONS.normalize,
    opset: options.opset ?? DEFAULT_EXPORT_OPTIONS.opset,
    ...(options.quantize !== undefined ? { quantize: options.quantize } : {}),
  };
}

export async function exportOnnx(
  encoder: Encoder,
  tokenizer: WordPieceTokenizer | undefined,
  dir: string,
  options: ExportOptions = {},
): Promise<ExportReport> {
  const o = resolve(options);
  if (tokenizer === undefined) {
    throw new Error(`exportOnnx: no tokenizer; the model folder needs vocab.txt or tokenizer.json`);
  }
  const config = validateConfig(encoder.config);
  if (tokenizer.vocab.length > config.vocabSize) {
    throw new Error(
      `exportOnnx: the tokenizer has ${tokenizer.vocab.length} tokens but the encoder's vocab_size is ${config.vocabSize}`,
    );
  }
  await checkTarget(dir);
  const precisions: Precision[] = o.quantize === 'int8' ? ['fp32', 'int8'] : ['fp32'];
  const models = onnxModels(encoder, o, precisions); // built before anything is written
  const json: Record<string, unknown> = {
    'config.json': modelConfigJson(config, o.pooling, o.normalize),
    'tokenizer.json': tokenizerJson(tokenizer),
    'tokenizer_config.json': tokenizerConfigJson(tokenizer, config),
    'special_tokens_map.json': specialTokensMapJson(tokenizer),
    ...sentenceTransformersFiles(config, o.pooling, o.normalize),
  };
  const onnxBytes: Record<string, number> = {};
  const files: string[] = [];
  await writeDirAtomic(dir, async (tmp) => {
    for (const [name, value] of Object.entries(json)) {
      await writeJsonAtomic(join(tmp, name), value);
      files.push(name);
    }
    await tokenizer.saveVocab(join(tmp, 'vocab.txt'));
    files.push('vocab.txt');
    for (const [i, precision] of precisions.entries()) {
      const name = precision === 'int8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
      await writeFileAtomic(join(tmp, name), models[i]!);
      onnxBytes[name] = models[i]!.byteLength;
      files.push(name);
    }
  });
  return { dir, files: files.sort(), onnxBytes };
}
