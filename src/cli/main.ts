/**
 * The `kalelab` command: parses arguments and calls the library. No math here; each
 * command lives in its own file under commands/ and registers itself.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerEnv } from './commands/env.js';
import { registerWalkthrough, registerExperiment } from './commands/experiment.js';
import { registerEvalRun } from './commands/eval-run.js';
import { registerEncode } from './commands/encode.js';
import { registerDataset } from './commands/dataset.js';
import { registerBench } from './commands/bench.js';
import { registerCompare } from './commands/compare.js';
import { registerExport } from './commands/export.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('kalelab')
    .description(
      'Fast dense retrievers: train dual encoders, prune the query encoder, repair it with KALE, evaluate.',
    )
    .version(packageVersion())
    .showHelpAfterError();
  registerWalkthrough(program);
  registerExperiment(program);
  registerEvalRun(program);
  registerEncode(program);
  registerDataset(program);
  registerExport(program);
  registerBench(program);
  registerCompare(program);
  registerEnv(program);
  return program;
}

/** Runs the CLI; exits the process with a non-zero status and one clear line on failure. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`kalelab: ${message}\n`);
    if (process.env['KALELAB_DEBUG'] === '1' && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    process.exitCode = 1;
  }
}
