import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import {
  THREADS_ENV,
  availableCores,
  initBackend,
  formatBackendReport,
  type BackendReport,
} from '../../backend/index.js';

interface JupyterStatus {
  readonly jupyter: string | null;
  readonly tslabKernel: boolean;
  readonly note: string;
}

/** Looks for Jupyter (Debian's, under /usr/bin/python3, or one on PATH) and the tslab kernel. */
function jupyterStatus(): JupyterStatus {
  const candidates: Array<[string, string[]]> = [
    ['/usr/bin/python3', ['-m', 'jupyter', 'kernelspec', 'list', '--json']],
    ['jupyter', ['kernelspec', 'list', '--json']],
  ];
  for (const [cmd, args] of candidates) {
    if (cmd.startsWith('/') && !existsSync(cmd)) continue;
    try {
      const out = execFileSync(cmd, args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const specs = (JSON.parse(out) as { kernelspecs: Record<string, unknown> }).kernelspecs;
      const tslab = Object.prototype.hasOwnProperty.call(specs, 'tslab');
      return {
        jupyter: `${cmd} ${args.slice(0, cmd.startsWith('/') ? 2 : 0).join(' ')}`.trim(),
        tslabKernel: tslab,
        note: tslab
          ? 'tslab kernel registered'
          : 'run `npx tslab install --python=/usr/bin/python3`',
      };
    } catch {
      // try the next candidate
    }
  }
  return { jupyter: null, tslabKernel: false, note: 'Jupyter not found; see environment.md' };
}

export function registerEnv(program: Command): void {
  program
    .command('env')
    .description('report the backend, versions, threads and notebook set-up')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const backend: BackendReport = await initBackend({ announce: false });
      const tf = await import('@tensorflow/tfjs');
      const info = {
        node: process.version,
        tfjs: tf.version.tfjs,
        backend,
        cpus: cpus().length,
        // The threads the backend computes on, of the cores Node may use, and the override.
        threads: {
          used: backend.threads,
          cores: availableCores(),
          [THREADS_ENV]: process.env[THREADS_ENV] ?? null,
        },
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        notebooks: jupyterStatus(),
      };
      if (opts.json) {
        process.stdout.write(JSON.stringify(info, null, 2) + '\n');
        return;
      }
      const lines = [
        formatBackendReport(backend),
        ...backend.attempts.map((a) => `  ${a.ok ? '✓' : '·'} ${a.name}: ${a.note}`),
        `threads: ${backend.threads} of ${info.threads.cores} cores (${THREADS_ENV}=${process.env[THREADS_ENV] ?? 'unset: every core'})`,
        `node ${info.node}, tfjs ${info.tfjs}, ${info.cpus} CPUs, ${info.memoryGiB} GiB`,
        `notebooks: ${info.notebooks.jupyter ?? 'no Jupyter'} — ${info.notebooks.note}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
