import type { Command } from 'commander';
import { NotLandedError } from '../not-landed.js';

export function registerDataset(program: Command): void {
  program
    .command('dataset')
    .description('load a dataset, validate it and print its summary')
    .requiredOption(
      '--dataset <spec>',
      'KIND:PATH (wordnet-senses | wordnet-definitions | beir | dpr | msmarco)',
    )
    .option('--json', 'print the summary as JSON')
    .action(() => {
      throw new NotLandedError('dataset', 'the datasets issue');
    });
}
