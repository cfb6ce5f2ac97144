/**
 * `kalelab encode`: embed texts ({"id","text"} per line) with a Hugging Face BERT checkpoint
 * and write {"id", "embedding"} per line, in input order.
 *
 * Thin: validates the input up front (every bad line is reported before any compute), then
 * calls the library (`loadEncoder`, then an engine's `embedTexts`: ONNX Runtime or tfjs, as
 * `--engine` says) chunk by chunk and streams the result to a temporary file that is renamed into place at the end, so a crash never leaves a
 * half-written output. Floats are written as the shortest decimal that round-trips to float32.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { initBackend } from '../../backend/index.js';
import { disposeEncoder, loadEncoder, POOLINGS, type Pooling } from '../../model/index.js';
import { createEncoderEngine, ENGINES, type EngineName } from '../../serve/index.js';
import { defaultProgress } from '../../util/index.js';

interface EncodeCliOptions {
  readonly model: string;
  readonly input: string;
  readonly out: string;
  readonly pooling: string;
  readonly maxLength?: string;
  readonly batchSize: string;
  readonly engine: string;
}

/** Texts held per chunk: bounds memory to chunk × hidden floats while keeping batches length-sorted. */
const CHUNK = 1024;

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

interface InputRecord {
  readonly id: string | number;
  readonly text: string;
}

async function runEncode(options: EncodeCliOptions): Promise<void> {
  if (!(POOLINGS as readonly string[]).includes(options.pooling)) {
    throw new Error(
      `--pooling: unknown pooling "${options.pooling}"; allowed: ${POOLINGS.join(', ')}`,
    );
  }
  const pooling = options.pooling as Pooling;
  if (!(ENGINES as readonly string[]).includes(options.engine)) {
    throw new Error(`--engine: unknown engine "${options.engine}"; allowed: ${ENGINES.join(', ')}`);
  }
  const batchSize = positiveInt(options.batchSize, '--batch-size');
  const requestedMax =
    options.maxLength === undefined ? undefined : positiveInt(options.maxLength, '--max-length');
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
      engine: options.engine as EngineName,
      pooling,
    });
    await writeStreamAtomic(options.out, async (write) => {
      for (let start = 0; start < records.length; start += CHUNK) {
        const chunk = records.slice(start, start + CHUNK);
        const vectors = await engine.embedTexts(
          tokenizer,
          chunk.map((r) => r.text),
          {
            maxLength,
            batchSize,
            progress: (e) =>
              progress({ label: 'encode', done: start + e.done, total: records.length }),
          },
        );
        const lines = chunk.map((r, i) => {
          const row = Array.from(vectors.subarray(i * H, (i + 1) * H), (v) => float32Text(v, r.id));
          return `{"id":${JSON.stringify(r.id)},"embedding":[${row.join(',')}]}\n`;
        });
        await write(lines.join(''));
      }
      if (records.length === 0) progress({ label: 'encode', done: 0, total: 0 });
    }).finally(() => engine.dispose());
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `kalelab encode: ${records.length} texts → ${options.out} (dim ${H}, ${pooling} pooling, ${engine.name}, ${secs}s)\n`,
    );
  } finally {
    disposeEncoder(encoder);
  }
}

/** Parses and validates the whole input first, so a bad line fails before any compute. */
async function readInput(path: string): Promise<InputRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `${path}: cannot read the input (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error },
    );
  }
  const records: InputRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${path}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${where}: expected an object {"id", "text"}`);
    }
    const { id, text: body } = value as Record<string, unknown>;
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new Error(
        `${where}: field "id" must be a string or number, got ${id === undefined ? 'nothing' : JSON.stringify(id)}`,
      );
    }
    if (typeof body !== 'string') {
      throw new Error(
        `${where}: field "text" must be a string, got ${body === undefined ? 'nothing' : JSON.stringify(body)}`,
      );
    }
    records.push({ id, text: body });
  });
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

/** Streams into a temporary sibling of `path`, fsyncs, then renames it into place. */
async function writeStreamAtomic(
  path: string,
  fill: (write: (text: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(tmp, 'w');
  try {
    await fill(async (text) => {
      await handle.write(text);
    });
    await handle.sync();
    await handle.close();
    await rename(tmp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
}
