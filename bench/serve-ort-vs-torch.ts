/**
 * kalelab's exported graph against PyTorch's torch.onnx.export of an equivalent module, on
 * the same engine (ONNX Runtime), interleaved: rounds of a few calls to each session in turn,
 * so a machine whose load drifts slows all graphs alike. Also kalelab's int8 graph.
 *
 *   npx tsx bench/serve-ort-vs-torch.ts [--layers 12] [--threads 1] [--batch 1] [--seq-len 32]
 *       [--rounds 10] [--calls 3]
 * Needs /usr/bin/python3 with torch (or $KALELAB_PYTHON). Prints one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initBackend } from '../src/backend/index.js';
import { peerPython, randomBatch } from '../src/bench/index.js';
import { BERT_BASE_SHAPE } from '../src/bench/index.js';
import { summarizeLatency } from '../src/eval/index.js';
import { createEncoder, disposeEncoder } from '../src/model/index.js';
import { onnxModels, OrtEncoderSession } from '../src/serve/index.js';
import { numberArg } from './lib/args.js';

const layers = numberArg('layers', 12);
const threads = numberArg('threads', 1);
const batchSize = numberArg('batch', 1);
const seqLen = numberArg('seq-len', 32);
const rounds = numberArg('rounds', 10);
const calls = numberArg('calls', 3);

await initBackend({ prefer: 'cpu', announce: false });
const dir = await mkdtemp(join(tmpdir(), 'kalelab-ort-vs-torch-'));
try {
  const script = new URL('./serve_torch_peers.py', import.meta.url).pathname;
  const peer = JSON.parse(
    execFileSync(
      peerPython(),
      [
        script,
        '--out-dir',
        dir,
        '--layers',
        String(layers),
        '--batches',
        '1',
        '--runs',
        '1',
        '--warmup',
        '0',
      ],
      {
        encoding: 'utf8',
      },
    ),
  ) as { onnx: Record<string, string>; pytorch: { version: string } };
  const config = { ...BERT_BASE_SHAPE, numHiddenLayers: layers };
  const encoder = createEncoder(config, 7);
  const [fp32, int8] = onnxModels(encoder, { pooling: 'cls', normalize: false }, ['fp32', 'int8']);
  disposeEncoder(encoder);
  const sessions = {
    'onnxruntime-torch-export': await OrtEncoderSession.create(peer.onnx[String(layers)]!, {
      threads,
    }),
    onnxruntime: await OrtEncoderSession.create(fp32!, { threads }),
    'onnxruntime-int8': await OrtEncoderSession.create(int8!, { threads }),
  };
  const batch = randomBatch(config, batchSize, seqLen);
  const samples: Record<string, number[]> = {};
  for (const [name, s] of Object.entries(sessions)) {
    samples[name] = [];
    for (let i = 0; i < 3; i++) await s.run(batch); // warm-up
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, s] of Object.entries(sessions)) {
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        await s.run(batch);
        samples[name]!.push(performance.now() - t0);
      }
    }
  }
  const rows = Object.entries(samples).map(([path, v]) => {
    const st = summarizeLatency(v);
    return {
      path,
      medianMs: Math.round(st.medianMs * 100) / 100,
      p90Ms: Math.round(st.p90Ms * 100) / 100,
      minMs: Math.round(st.minMs * 100) / 100,
    };
  });
  for (const s of Object.values(sessions)) await s.dispose();
  const median = (p: string): number => rows.find((r) => r.path === p)!.medianMs;
  process.stdout.write(
    JSON.stringify(
      {
        layers,
        threads,
        batch: batchSize,
        seqLen,
        torch: peer.pytorch.version,
        rows,
        kalelabOverTorchExport:
          Math.round((median('onnxruntime') / median('onnxruntime-torch-export')) * 1000) / 1000,
        int8Speedup: Math.round((median('onnxruntime') / median('onnxruntime-int8')) * 1000) / 1000,
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
