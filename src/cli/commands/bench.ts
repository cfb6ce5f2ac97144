/**
 * `kalelab bench [--json] [--quick]`: query-encoder latency per engine path (tfjs,
 * onnxruntime, onnxruntime-int8) at BERT-base width, 12/9/6/3/2/1 layers, batch 1 and 32,
 * 32 tokens; training throughput; exact search; corpus-encoding throughput per engine; and,
 * in the same run, the peers: PyTorch on an equivalent module, ONNX Runtime on PyTorch's
 * export of it, numpy search. Thin: the measuring is in src/bench and src/eval.
 */
import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../../backend/index.js';
import {
  benchCorpusEncoding,
  benchQueryEncoder,
  benchTorchPeers,
  peerPython,
  QUERY_ENCODER_PATHS,
  type QueryEncoderBenchOptions,
  type QueryEncoderPath,
} from '../../bench/index.js';
import { BERT_BASE_SHAPE, benchSearch, benchTrainingPeers } from '../../bench/index.js';
import { ortAvailable } from '../../serve/index.js';

/** numpy's search peer from bench/peers.py (its PyTorch rows are superseded by serve_torch_peers.py). */
function numpyPeer(quick: boolean): Record<string, unknown> {
  const script = fileURLToPath(new URL('../../../bench/peers.py', import.meta.url));
  const python = peerPython();
  if (!existsSync(script) || !existsSync(python)) return { note: 'no Python found' };
  try {
    const out = execFileSync(python, [script, '--search-only', ...(quick ? ['--quick'] : [])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    });
    return (JSON.parse(out) as { numpy: Record<string, unknown> }).numpy;
  } catch (error) {
    return { note: `numpy peer not measured: ${(error as Error).message.split('\n')[0]}` };
  }
}

interface BenchCliOptions {
  readonly json?: boolean;
  readonly quick?: boolean;
  readonly peers?: boolean;
  readonly threads?: string;
  readonly training?: boolean;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('latency and throughput benchmarks per engine (and PyTorch / ONNX Runtime peers)')
    .option('--json', 'print JSON')
    .option('--quick', 'small sizes and few runs (12 and 2 layers, batch 1, a smoke run)')
    .option('--no-peers', 'skip the PyTorch / ONNX-Runtime-on-PyTorch / numpy peers')
    .option('--no-training', 'skip the training-throughput rows')
    .option('--threads <n>', 'ONNX Runtime and PyTorch intra-op threads (default: their own)')
    .action(async (opts: BenchCliOptions) => {
      await runBench(opts);
    });
}

async function runBench(opts: BenchCliOptions): Promise<void> {
  const threads = opts.threads === undefined ? undefined : Number(opts.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new Error(`--threads: expected a positive integer, got "${opts.threads}"`);
  }
  const backend = await initBackend();
  const quick = Boolean(opts.quick);
  const log = (line: string) => process.stderr.write(line + '\n');
  const paths: QueryEncoderPath[] = (await ortAvailable()) ? [...QUERY_ENCODER_PATHS] : ['tfjs'];
  const sizes: QueryEncoderBenchOptions = {
    paths,
    runs: quick ? 3 : 20,
    warmup: quick ? 1 : 3,
    ...(quick ? { depths: [12, 2], batchSizes: [1] } : {}),
    ...(threads !== undefined ? { threads } : {}),
  };
  log(`query encoder (BERT-base width, 32 tokens; ${paths.join(', ')}) ...`);
  const queryEncoder = await benchQueryEncoder(sizes);
  // Corpus encoding and search compare tfjs with ONNX Runtime (fp32) where it loads.
  const engines = paths.includes('onnxruntime')
    ? (['tfjs', 'onnxruntime'] as const)
    : (['tfjs'] as const);
  log('corpus encoding ...');
  const corpusEncoding = await benchCorpusEncoding({
    paths: [...engines],
    passages: quick ? 16 : 512,
    ...(threads !== undefined ? { threads } : {}),
  });
  log(
    'training: 1 thread, every core and data-parallel workers, kalelab (wasm), and PyTorch, one process each ...',
  );
  const { rows: training, notes: trainingNotes } =
    opts.training === false
      ? { rows: [], notes: [] }
      : await benchTrainingPeers({ steps: quick ? 1 : 3, noTorch: opts.peers === false });
  log('search ...');
  const searches = await benchSearch({
    ...(quick ? { docs: 10_000, queries: 64 } : {}),
    engines,
  });
  let peers: Record<string, unknown> = {};
  if (opts.peers !== false) {
    log('peers (PyTorch, ONNX Runtime on PyTorch export, numpy) ...');
    const torch = await benchTorchPeers(sizes);
    peers = {
      ...('note' in torch ? { pytorch: torch, onnxruntime: torch } : torch),
      numpy: numpyPeer(quick),
    };
  }
  const report = {
    backend: backend.name,
    threads: backend.threads,
    onnxruntimeThreads: threads ?? null,
    queryEncoder,
    corpusEncoding,
    training,
    trainingNotes,
    // DESIGN.md's one search object: the engine evaluation uses (ONNX Runtime where it loads)
    search: searches.at(-1)!,
    searchByEngine: searches,
    peers,
  };
  if (opts.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const lines = [
    `backend ${backend.name}, ${backend.threads} thread(s); query encoder ${BERT_BASE_SHAPE.hiddenSize} hidden`,
    ...queryEncoder.map(
      (r) =>
        `  query encoder ${r.path.padEnd(16)} ${String(r.layers).padStart(2)} layers  batch ${String(r.batch).padStart(2)}: ${r.medianMs} ms median, ${r.p90Ms} ms p90, ${r.gflops} GFLOP/s`,
    ),
    ...corpusEncoding.map(
      (c) =>
        `  corpus encoding ${c.path.padEnd(12)} ${c.passages} × ${c.seqLen} tokens: ${c.passagesPerSecond} passages/s`,
    ),
    ...training.map(
      (t) =>
        `  training ${t.framework.padEnd(7)} ${t.backend} ${t.threads}t${t.workers > 1 ? ` ×${t.workers} workers` : ''} ${t.preset.padEnd(9)} H ${t.hidden} × ${t.layers}${t.tied ? ' tied' : ''}, batch ${t.batch}: ${t.secondsPerStep} s/step, ${t.examplesPerSecond} examples/s, ${t.tokensPerSecond} tokens/s${t.gflops === undefined ? '' : `, ${t.gflops} GFLOP/s`}`,
    ),
    ...searches.map(
      (s) =>
        `  search ${s.engine.padEnd(12)} ${s.docs} x ${s.dim}: ${s.queriesPerSecond} queries/s, ${s.gflops} GFLOP/s`,
    ),
    `  peers: ${JSON.stringify(peers)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
