import type { Command } from 'commander';
import { NotLandedError } from '../not-landed.js';

export function registerEncode(program: Command): void {
  program
    .command('encode')
    .description('embed texts ({"id","text"} per line) with a Hugging Face BERT checkpoint')
    .requiredOption(
      '--model <dir>',
      'Hugging Face checkpoint folder (config.json, model.safetensors, vocab.txt)',
    )
    .requiredOption('--input <file>', 'JSONL input, {"id","text"} per line')
    .requiredOption('--out <file>', 'JSONL output, {"id","embedding"} per line')
    .option('--pooling <kind>', 'cls | mean', 'cls')
    .option('--max-length <n>', 'maximum tokens per text', '512')
    .action(() => {
      throw new NotLandedError('encode', 'the encoder issue');
    });
}
