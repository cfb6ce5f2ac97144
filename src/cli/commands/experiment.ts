import type { Command } from 'commander';
import { NotLandedError } from '../not-landed.js';

export function registerWalkthrough(program: Command): void {
  program
    .command('walkthrough')
    .description(
      'train, prune, align and evaluate on the embedded WordNet tasks; write results and report',
    )
    .option('--quick', 'the few-minute version (wordnet-senses only, small model)')
    .option('--out <dir>', 'output folder', 'runs/walkthrough')
    .action(() => {
      throw new NotLandedError('walkthrough', 'the KALE issue');
    });
}

export function registerExperiment(program: Command): void {
  program
    .command('experiment')
    .description('the walkthrough grid on any dataset')
    .requiredOption(
      '--dataset <spec>',
      'KIND:PATH (wordnet-senses | wordnet-definitions | beir | dpr | msmarco)',
    )
    .option('--out <dir>', 'output folder', 'runs/experiment')
    .action(() => {
      throw new NotLandedError('experiment', 'the KALE issue');
    });
}
