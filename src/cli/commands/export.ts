/**
 * `kalelab export`: a Hugging Face BERT checkpoint → an ONNX model folder (onnx/model.onnx,
 * tokenizer.json, config.json, …) for ONNX Runtime, transformers.js and sentence-transformers.
 * Thin: parses options, calls `loadEncoder` and `exportOnnx`, prints what it wrote.
 */
import type { Command } from 'commander';
import { initBackend } from '../../backend/index.js';
import { disposeEncoder, loadEncoder, POOLINGS } from '../../model/index.js';
import { DEFAULT_OPSET, exportOnnx, MAX_OPSET, QUANTIZATIONS } from '../../serve/index.js';
import { checkName } from '../../util/names.js';

interface ExportCliOptions {
  readonly model: string;
  readonly out: string;
  readonly pooling: string;
  readonly normalize?: boolean;
  readonly quantize?: string;
  readonly opset: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a BERT checkpoint as an ONNX model folder (ONNX Runtime, transformers.js)')
    .requiredOption(
      '--model <dir>',
      'Hugging Face checkpoint folder (config.json, model.safetensors, vocab.txt)',
    )
    .requiredOption('--out <dir>', 'output folder (new, empty, or a previous export)')
    .option('--pooling <kind>', `sentence_embedding pooling: ${POOLINGS.join(' | ')}`, 'cls')
    .option('--normalize', 'unit-normalise sentence_embedding (cosine-trained models)')
    .option(
      '--quantize <kind>',
      `also write onnx/model_quantized.onnx: ${QUANTIZATIONS.join(' | ')}`,
    )
    .option('--opset <n>', `ai.onnx opset, ${DEFAULT_OPSET}…${MAX_OPSET}`, String(DEFAULT_OPSET))
    .action(async (options: ExportCliOptions) => {
      await runExport(options);
    });
}

async function runExport(options: ExportCliOptions): Promise<void> {
  const pooling = checkName('pooling', options.pooling, POOLINGS, '--pooling');
  const quantize =
    options.quantize === undefined
      ? undefined
      : checkName('quantization', options.quantize, QUANTIZATIONS, '--quantize');
  const opset = Number(options.opset);
  if (!/^\d+$/.test(options.opset) || opset < DEFAULT_OPSET || opset > MAX_OPSET) {
    throw new Error(
      `--opset: expected an integer in ${DEFAULT_OPSET}…${MAX_OPSET}, got "${options.opset}"`,
    );
  }
  await initBackend({ prefer: 'cpu', announce: false }); // reading weights only: no kernels run
  const { encoder, tokenizer } = await loadEncoder(options.model, { trainable: false });
  try {
    const report = await exportOnnx(encoder, tokenizer, options.out, {
      pooling,
      normalize: options.normalize === true,
      opset,
      ...(quantize !== undefined ? { quantize } : {}),
    });
    for (const [file, bytes] of Object.entries(report.onnxBytes)) {
      process.stdout.write(`${report.dir}/${file}: ${(bytes / 2 ** 20).toFixed(1)} MiB\n`);
    }
    process.stdout.write(`wrote ${report.files.length} files to ${report.dir}\n`);
  } finally {
    disposeEncoder(encoder);
  }
}
