import type { Command } from 'commander';
import { NotLandedError } from '../not-landed.js';

export function registerEvalRun(program: Command): void {
  program
    .command('eval-run')
    .description('evaluate a TREC run file against qrels, as trec_eval does')
    .requiredOption('--qrels <file>', 'TREC qrels file (qid 0 docid grade)')
    .requiredOption('--run <file>', 'TREC run file (qid Q0 docid rank score tag)')
    .option('--metrics <list>', 'comma-separated metric names')
    .option('--json', 'print {"aggregate": {...}, "perQuery": {...}}')
    .action(() => {
      throw new NotLandedError('eval-run', 'the retrieval and evaluation issue');
    });
}
