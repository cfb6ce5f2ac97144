/**
 * `kalelab encode`: embed texts ({"id","text"} per line) with a Hugging Face BERT checkpoint
 * and write {"id", "embedding"} per line, in input order.
 *
 * Thin: validates the input up front (every bad line is reported before any compute, and
 * an --out that is the input or a model file, through any link, is refused), then calls the
 * library (`loadEncoder`, then an engine's `embedTexts`: ONNX Runtime or tfjs, as `--engine`
 * says) chunk by chunk, streaming each chunk's lines to a temporary file that is renamed
 * into place at the end (util/files.ts: fsync, rename), so a crash never leaves a
 * half-written output and the output is never held whole in memory.
 * Floats are written as the shortest decimal that round-trips to float32.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { formatValue } from '../../data/errors.js';
import { lineText, readLineBatches } from '../../data/lines.js';
import { initBackend } from '../../backend/index.js';
import { disposeEncoder, loadEncoder, POOLINGS } from '../../model/index.js';
import { createEncoderEngine, ENGINES } from '../../serve/index.js';
import { AtomicWriteError, defaultProgress, writeStreamAtomic } from '../../util/index.js';
import { parseJson } from '../../util/json.js';
import { checkName } from '../../util/names.js';

interface EncodeCliOptions {
  readonly model: string;
  readonly input: string;
  readonly out: string;
  readonly pooling: string;
  readonly maxLength?: string;
  readonly batchSize: string;
  readonly engine: string;
}

/** Texts per chunk: bounds memory to chunk × hidden floats (and one chunk of output text) while keeping batches length-sorted. */
export const CHUNK = 1024;

export function registerEncode(program: Command): void {
  program
    .command('encode')
    .description('embed texts ({"id","text"} per line) with a Hugging Face BERT checkpoint')
    .requiredOption(
      '--model <dir>',
      'Hugging Face checkpoint folder (config.json, model.safetensors, vocab.txt)',
    )
    .requiredOption('--input <file>', 'JSONL input, {"id","text"} per line')
    .requiredOption('--out <file>', 'JSONL output, {"id","embedding"} per line, in input order')
    .option('--pooling <kind>', 'cls | mean', 'cls')
    .option(
      '--max-length <n>',
      "maximum tokens per text, specials included (default: the model's max_position_embeddings)",
    )
    .option('--batch-size <n>', 'texts per forward pass', '32')
    .option(
      '--engine <name>',
      `inference engine: ${ENGINES.join(' | ')} (auto: ONNX Runtime when onnxruntime-node is installed)`,
      'auto',
    )
    .action(async (options: EncodeCliOptions) => {
      await runEncode(options);
    });
}

export interface InputRecord {
  readonly id: string | number;
  readonly text: string;
}

async function runEncode(options: EncodeCliOptions): Promise<void> {
  const pooling = checkName('pooling', options.pooling, POOLINGS, '--pooling');
  const engineName = checkName('engine', options.engine, ENGINES, '--engine');
  const batchSize = positiveInt(options.batchSize, '--batch-size');
  const requestedMax =
    options.maxLength === undefined ? undefined : positiveInt(options.maxLength, '--max-length');
  await checkOut(options.out, [
    options.input,
    ...['config.json', 'model.safetensors', 'vocab.txt'].map((f) => join(options.model, f)),
  ]);
  const records = await readInput(options.input);

  await initBackend();
  const started = Date.now();
  const { encoder, tokenizer, report } = await loadEncoder(options.model, { trainable: false });
  try {
    if (report.unexpected.length > 0) {
      const shown = report.unexpected.slice(0, 4).join(', ');
      process.stderr.write(
        `kalelab encode: ignored ${report.unexpected.length} tensor(s) the encoder does not use (${shown}${report.unexpected.length > 4 ? ', …' : ''})\n`,
      );
    }
    const maxPos = encoder.config.maxPositionEmbeddings;
    if (requestedMax !== undefined && requestedMax > maxPos) {
      throw new Error(
        `--max-length ${requestedMax} exceeds the model's max_position_embeddings ${maxPos}`,
      );
    }
    const maxLength = requestedMax ?? maxPos;
    const progress = defaultProgress();
    const H = encoder.config.hiddenSize;
    const engine = await createEncoderEngine(encoder, {
      engine: engineName,
      pooling,
    });
    try {
      await writeEmbeddingsJsonl(options.out, records, H, (chunk, start) =>
        engine.embedTexts(
          tokenizer,
          chunk.map((r) => r.text),
          {
            maxLength,
            batchSize,
            progress: (e) =>
              progress({ label: 'encode', done: start + e.done, total: records.length }),
          },
        ),
      );
    } finally {
      await engine.dispose();
    }
    if (records.length === 0) progress({ label: 'encode', done: 0, total: 0 });
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `kalelab encode: ${records.length} texts → ${options.out} (dim ${H}, ${pooling} pooling, ${engine.name}, ${secs}s)\n`,
    );
  } finally {
    disposeEncoder(encoder);
  }
}

/**
 * Streams {"id","embedding"} lines for `records` into `out`, CHUNK records at a time
 * (`embed` gives a chunk's vectors, [n × H]); atomic (util/files.ts), so a failure leaves
 * `out` as it was and no temporary. Only one chunk's text is held at a time. A file-system
 * error names --out; `embed`'s own errors pass unchanged.
 */
export async function writeEmbeddingsJsonl(
  out: string,
  records: readonly InputRecord[],
  H: number,
  embed: (chunk: readonly InputRecord[], start: number) => Promise<Float32Array>,
): Promise<void> {
  try {
    await writeStreamAtomic(out, async (write) => {
      for (let start = 0; start < records.length; start += CHUNK) {
        const chunk = records.slice(start, start + CHUNK);
        const vectors = await embed(chunk, start);
        const lines = chunk.map((r, i) => {
          const row = Array.from(vectors.subarray(i * H, (i + 1) * H), (v) => float32Text(v, r.id));
          return `{"id":${JSON.stringify(r.id)},"embedding":[${row.join(',')}]}\n`;
        });
        await write(lines.join(''));
      }
    });
  } catch (error) {
    if (!(error instanceof AtomicWriteError)) throw error;
    // Its message names the target already; say which option that is.
    throw new Error(`--out ${out}: cannot write the output (${error.code})`, { cause: error });
  }
}

/**
 * Refuses an --out that is a folder, lies under a file, or is the same file as one of
 * `inputs` (same device and inode, so hard and symbolic links count): writing it would
 * replace the input. Checked before any work, so a bad --out costs nothing.
 */
async function checkOut(out: string, inputs: readonly string[]): Promise<void> {
  const target = await stat(out).catch(() => undefined);
  if (target === undefined) {
    // Its folder is made when writing; the nearest existing ancestor must be a folder.
    let parent = dirname(out);
    let st = await stat(parent).catch(() => undefined);
    while (st === undefined && dirname(parent) !== parent) {
      parent = dirname(parent);
      st = await stat(parent).catch(() => undefined);
    }
    if (st !== undefined && !st.isDirectory())
      throw new Error(`--out ${out}: ${parent} is not a folder`);
    return;
  }
  if (target.isDirectory()) throw new Error(`--out ${out}: is a folder; give a file name`);
  for (const input of inputs) {
    const source = await stat(input).catch(() => undefined);
    if (source !== undefined && source.dev === target.dev && source.ino === target.ino)
      throw new Error(
        `--out ${out}: is the same file as ${input}; writing it would destroy the input`,
      );
  }
}

/** `value` for an error message: JSON, shortened (a bad line may be megabytes long). */
const shown = (value: unknown): string => (value === undefined ? 'nothing' : formatValue(value));

/** One input line: an object with a string or safe-integer "id" and a string "text". */
function parseRecord(where: string, line: string): InputRecord {
  const value = parseJson(line, where);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: expected an object {"id", "text"}`);
  }
  const { id, text } = value as Record<string, unknown>;
  if (typeof id === 'number' && !Number.isSafeInteger(id)) {
    throw new Error(
      `${where}: field "id" must be a string or an integer of at most 2^53 (JSON readers round larger ones), got ${shown(id)}`,
    );
  }
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new Error(`${where}: field "id" must be a string or number, got ${shown(id)}`);
  }
  if (typeof text !== 'string') {
    throw new Error(`${where}: field "text" must be a string, got ${shown(text)}`);
  }
  return { id, text };
}

/**
 * Parses and validates the whole input first, so a bad line fails before any compute.
 * Streamed line by line (data/lines.ts): lines that are not UTF-8 or too long are errors
 * naming the line; an id given twice is an error (the output would be ambiguous).
 */
async function readInput(path: string): Promise<InputRecord[]> {
  const records: InputRecord[] = [];
  const firstLine = new Map<string, number>();
  for await (const batch of readLineBatches(path)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const lineNo = batch.firstLine + i;
      const where = `${path}:${lineNo}`;
      let text: string;
      try {
        text = lineText(path, batch, i).trim();
      } catch {
        throw new Error(`${where}: ${batch.bad!.get(i)!}`);
      }
      if (text === '') continue;
      const record = parseRecord(where, text);
      const key = JSON.stringify(record.id);
      const seen = firstLine.get(key);
      if (seen !== undefined)
        throw new Error(`${where}: field "id": ${shown(record.id)} repeats line ${seen}`);
      firstLine.set(key, lineNo);
      records.push(record);
    }
  }
  return records;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** The shortest decimal that parses back to the same float32. */
function float32Text(v: number, id: string | number): string {
  if (!Number.isFinite(v))
    throw new Error(`the embedding of id ${JSON.stringify(id)} has a non-finite value (${v})`);
  for (let digits = 6; digits < 9; digits++) {
    const s = Number(v.toPrecision(digits));
    if (Math.fround(s) === v) return String(s);
  }
  return String(Number(v.toPrecision(9)));
}
