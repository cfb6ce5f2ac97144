/**
 * Peers of the query-encoder benchmark, measured in the same run: PyTorch on an equivalent
 * module (Hugging Face BertModel's computation in torch.nn) and ONNX Runtime on PyTorch's
 * own export of it (torch.onnx.export, opset 17). bench/serve_torch_peers.py does the
 * Python side; this times its .onnx files with the same harness as kalelab's graphs.
 * Without a Python that has torch, the result says so instead of failing the benchmark.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BERT_BASE_SHAPE } from './search.js';
import {
  benchOnnxGraph,
  DEFAULT_QUERY_ENCODER_BENCH,
  type QueryEncoderBench,
  type QueryEncoderBenchOptions,
} from './query-encoder.js';

export interface TorchPeers {
  readonly pytorch: {
    readonly version: string;
    readonly threads: number;
    readonly queryEncoder: QueryEncoderBench[];
  };
  readonly onnxruntime: { readonly graph: string; readonly queryEncoder: QueryEncoderBench[] };
}

/** The Python that runs the peers: $KALELAB_PYTHON, else Debian's /usr/bin/python3. */
export function peerPython(): string {
  return process.env['KALELAB_PYTHON'] ?? '/usr/bin/python3';
}

const SCRIPT = fileURLToPath(new URL('../../bench/serve_torch_peers.py', import.meta.url));

interface ScriptOutput {
  pytorch: { version: string; threads: number; queryEncoder: QueryEncoderBench[] };
  onnx: Record<string, string>;
}

/** PyTorch and ONNX-Runtime-on-PyTorch's-export rows, or `{ note }` saying why not. */
export async function benchTorchPeers(
  options: QueryEncoderBenchOptions = {},
): Promise<TorchPeers | { note: string }> {
  const python = peerPython();
  if (!existsSync(SCRIPT)) return { note: `${SCRIPT} is missing` };
  if (!existsSync(python)) return { note: `no Python at ${python} (set KALELAB_PYTHON)` };
  const d = DEFAULT_QUERY_ENCODER_BENCH;
  const depths = options.depths ?? d.depths;
  const dir = await mkdtemp(join(tmpdir(), 'kalelab-torch-peers-'));
  try {
    const args = [
      SCRIPT,
      '--out-dir',
      dir,
      '--layers',
      depths.join(','),
      '--batches',
      (options.batchSizes ?? d.batchSizes).join(','),
      '--seq-len',
      String(options.seqLen ?? d.seqLen),
      '--runs',
      String(options.runs ?? d.runs),
      '--warmup',
      String(options.warmup ?? d.warmup),
      ...(options.threads !== undefined ? ['--threads', String(options.threads)] : []),
    ];
    let out: ScriptOutput;
    try {
      const { stdout } = await promisify(execFile)(python, args, {
        maxBuffer: 16 * 2 ** 20,
        timeout: 1_800_000,
      });
      out = JSON.parse(stdout) as ScriptOutput;
    } catch (error) {
      return { note: `PyTorch peers not measured: ${(error as Error).message.split('\n')[0]}` };
    }
    const rows: QueryEncoderBench[] = [];
    for (const depth of depths) {
      const file = out.onnx[String(depth)];
      if (file === undefined) continue;
      const config = { ...BERT_BASE_SHAPE, numHiddenLayers: depth };
      rows.push(...(await benchOnnxGraph(file, 'onnxruntime-torch-export', config, options)));
    }
    return {
      pytorch: out.pytorch,
      onnxruntime: {
        graph: `torch.onnx.export (torch ${out.pytorch.version}, opset 17)`,
        queryEncoder: rows,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
