import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../../backend/index.js';
import { benchTrainingPeers } from '../../bench/index.js';
import { BERT_BASE_SHAPE, benchQueryEncoder, benchSearch } from '../../eval/index.js';

/** PyTorch / numpy peers from bench/peers.py, when a Python with torch is present. */
function peers(quick: boolean): Record<string, unknown> {
  const script = fileURLToPath(new URL('../../../bench/peers.py', import.meta.url));
  const python = process.env['KALELAB_PYTHON'] ?? '/usr/bin/python3';
  if (!existsSync(script) || !existsSync(python)) return { note: 'no Python with torch found' };
  try {
    const out = execFileSync(python, [script, ...(quick ? ['--quick'] : [])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    });
    return JSON.parse(out) as Record<string, unknown>;
  } catch (error) {
    return { note: `peers not measured: ${(error as Error).message.split('\n')[0]}` };
  }
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'latency and throughput benchmarks on the active backend (and PyTorch peers if installed)',
    )
    .option('--json', 'print JSON')
    .option('--quick', 'fewer runs and a smaller search matrix (a smoke run)')
    .option('--no-peers', 'skip the PyTorch / numpy peers')
    .action(async (opts: { json?: boolean; quick?: boolean; peers?: boolean }) => {
      const backend = await initBackend();
      const quick = Boolean(opts.quick);
      const log = (line: string) => process.stderr.write(line + '\n');
      log('query encoder (BERT-base width, batch 1, 32 tokens) ...');
      const queryEncoder = await benchQueryEncoder({
        runs: quick ? 3 : 20,
        warmup: quick ? 1 : 3,
        ...(quick ? { depths: [12, 2] } : {}),
      });
      log('training: 1 thread and every core, kalelab (wasm) and PyTorch, one process each ...');
      const { rows: training, notes: trainingNotes } = await benchTrainingPeers({
        steps: quick ? 1 : 3,
        noTorch: opts.peers === false,
      });
      log('search ...');
      const search = benchSearch(quick ? { docs: 10_000, queries: 64 } : {});
      const report = {
        backend: backend.name,
        threads: backend.threads,
        queryEncoder,
        training,
        trainingNotes,
        search,
        peers: opts.peers === false ? {} : peers(quick),
      };
      if (opts.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      const lines = [
        `backend ${backend.name}, ${backend.threads} thread(s); query encoder ${BERT_BASE_SHAPE.hiddenSize} hidden`,
        ...queryEncoder.map(
          (r) =>
            `  query encoder ${String(r.layers).padStart(2)} layers  batch ${r.batch}: ${r.medianMs} ms median, ${r.p90Ms} ms p90, ${r.gflops} GFLOP/s`,
        ),
        ...training.map(
          (t) =>
            `  training ${t.framework.padEnd(7)} ${t.backend} ${t.threads}t ${t.preset.padEnd(9)} H ${t.hidden} × ${t.layers}${t.tied ? ' tied' : ''}, batch ${t.batch}: ${t.secondsPerStep} s/step, ${t.examplesPerSecond} examples/s, ${t.tokensPerSecond} tokens/s${t.gflops === undefined ? '' : `, ${t.gflops} GFLOP/s`}`,
        ),
        `  search ${search.docs} x ${search.dim}: ${search.queriesPerSecond} queries/s, ${search.gflops} GFLOP/s`,
        `  peers: ${JSON.stringify(report.peers)}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
