import type { Command } from 'commander';
import { NotLandedError } from '../not-landed.js';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('latency and throughput benchmarks on the active backend')
    .option('--json', 'print JSON')
    .action(() => {
      throw new NotLandedError('bench', 'the retrieval and evaluation issue');
    });
}
