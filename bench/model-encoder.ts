/**
 * Encoder forward latency on the active backend: BERT-base shape (H 768, 12 heads, I 3072,
 * vocab 30522) with random weights, 12 layers and pruned to 6/3/2/1 with the paper's layer
 * map, batch 1 and 32, sequence length 32. Reports median / p90 milliseconds of `embed`
 * (forward + CLS pooling, read back to the CPU) and the achieved GFLOP/s from `encoderFlops`,
 * by wall clock and by process CPU time (the wasm backend runs on one thread, so CPU time is
 * the figure that survives a machine shared with other jobs).
 *
 * Usage: npx tsx bench/model-encoder.ts [--reps N] [--batches 1,32] [--layers 12,6,3,2,1]
 * (KALELAB_BACKEND picks the backend, e.g. KALELAB_BACKEND=wasm). Prints one JSON object.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import {
  BERT_BASE,
  createEncoder,
  disposeEncoder,
  embed,
  encoderFlops,
  layerMap,
  pruneLayers,
  type Encoder,
  type TokenBatch,
} from '../src/model/index.js';
import { Random } from '../src/util/index.js';

interface Args {
  reps: number;
  batches: number[];
  layers: number[];
  seqLen: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { reps: 0, batches: [1, 32], layers: [12, 6, 3, 2, 1], seqLen: 32 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    const list = (): number[] => value.split(',').map(Number);
    if (flag === '--reps') args.reps = Number(value);
    else if (flag === '--batches') args.batches = list();
    else if (flag === '--layers') args.layers = list();
    else if (flag === '--seq-len') args.seqLen = Number(value);
    else
      throw new Error(`unknown argument ${flag}; allowed: --reps, --batches, --layers, --seq-len`);
  }
  return args;
}

function randomBatch(batch: number, seqLen: number, seed: number): TokenBatch {
  const rng = new Random(seed);
  const ids = new Int32Array(batch * seqLen);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seqLen; t++)
      ids[b * seqLen + t] = 1000 + rng.int(BERT_BASE.vocabSize - 1000);
    ids[b * seqLen] = 101; // [CLS]
    ids[b * seqLen + seqLen - 1] = 102; // [SEP]
  }
  return {
    inputIds: tf.tensor2d(ids, [batch, seqLen], 'int32'),
    attentionMask: tf.ones([batch, seqLen], 'int32'),
    tokenTypeIds: tf.zeros([batch, seqLen], 'int32'),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Wall-clock and CPU milliseconds per call (CPU time is robust on a shared machine: wasm is single-threaded). */
function time(
  encoder: Encoder,
  batch: TokenBatch,
  reps: number,
): { wall: number[]; cpu: number[] } {
  const run = (): void => {
    const v = embed(encoder, batch, 'cls');
    v.dataSync();
    v.dispose();
  };
  run(); // warm-up: kernel setup, XNNPACK operator caches
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await initBackend({ announce: false });
  const t0 = performance.now();
  const full = createEncoder(BERT_BASE, 1);
  const initSeconds = (performance.now() - t0) / 1000;
  const results: Array<Record<string, unknown>> = [];
  for (const layers of args.layers) {
    const keep = layerMap(BERT_BASE.numHiddenLayers, layers);
    const encoder = layers === BERT_BASE.numHiddenLayers ? full : pruneLayers(full, keep);
    for (const batchSize of args.batches) {
      const batch = randomBatch(batchSize, args.seqLen, 7);
      // Enough repetitions for a stable median without minutes per point.
      const reps = args.reps > 0 ? args.reps : batchSize * layers >= 96 ? 5 : 15;
      const { wall, cpu } = time(encoder, batch, reps);
      const flops = encoderFlops(encoder.config, batchSize, args.seqLen);
      const median = quantile(wall, 0.5);
      const cpuMedian = quantile(cpu, 0.5);
      results.push({
        path: 'tfjs',
        layers,
        keep,
        hidden: BERT_BASE.hiddenSize,
        batch: batchSize,
        seqLen: args.seqLen,
        reps,
        medianMs: round(median),
        p90Ms: round(quantile(wall, 0.9)),
        gflops: round(flops / (median / 1000) / 1e9),
        cpuMedianMs: round(cpuMedian),
        cpuP90Ms: round(quantile(cpu, 0.9)),
        gflopsPerCpuSecond: round(flops / (cpuMedian / 1000) / 1e9),
        gflopPerCall: round(flops / 1e9),
      });
      tf.dispose([batch.inputIds, batch.attentionMask, batch.tokenTypeIds!]);
      process.stderr.write(
        `layers ${layers} batch ${batchSize}: median ${median.toFixed(1)} ms wall, ${cpuMedian.toFixed(1)} ms CPU\n`,
      );
    }
    if (encoder !== full) disposeEncoder(encoder);
  }
  const speedup: Record<string, number> = {};
  for (const batchSize of args.batches) {
    const base = results.find((r) => r['layers'] === 12 && r['batch'] === batchSize)?.[
      'medianMs'
    ] as number | undefined;
    for (const r of results.filter((x) => x['batch'] === batchSize && x['layers'] !== 12)) {
      if (base !== undefined)
        speedup[`${String(r['layers'])}L@b${batchSize}`] = round(base / (r['medianMs'] as number));
    }
  }
  disposeEncoder(full);
  process.stdout.write(
    JSON.stringify({
      bench: 'model-encoder',
      backend: backend.name,
      threads: backend.threads,
      simd: backend.simd,
      tfjs: backend.tfjsVersion,
      config: BERT_BASE,
      initSeconds: round(initSeconds),
      queryEncoder: results,
      speedupVs12: speedup,
    }) + '\n',
  );
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

await main();
