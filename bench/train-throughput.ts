/**
 * Training throughput of a dual encoder on the active backend: full optimiser steps
 * (forward + backward of both encoders, contrastive loss, clipping, AdamW) on synthetic
 * token batches of fixed length (no padding), for the quick preset's shape and a
 * BERT-base shape. Prints one JSON object; bench/train_throughput_torch.py measures the
 * same shapes in PyTorch on CPU.
 *
 *   npx tsx bench/train-throughput.ts [--steps 3] [--only quick|bert-base]
 *   KALELAB_BACKEND=cpu npx tsx bench/train-throughput.ts
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { encoderFlops, type BertConfig, type TokenBatch } from '../src/model/index.js';
import {
  AdamW,
  clipCoefficient,
  globalNorm,
  contrastiveGradients,
  createDualEncoder,
  disposeDualEncoder,
  dualParameters,
  presetConfig,
  trainPreset,
} from '../src/train/index.js';

interface Shape {
  readonly preset: 'quick' | 'bert-base';
  readonly config: BertConfig;
  readonly batch: number;
  readonly nHard: number;
  readonly qLen: number;
  readonly pLen: number;
  readonly pooling: 'cls' | 'mean';
  /**
   * One encoder for both sides. The BERT-base shape is tied because two untied encoders
   * with AdamW moments and gradients (≈ 2 × 5 × 440 MB) overflow the wasm heap (4 GB);
   * the compute per step is the same as untied.
   */
  readonly tied: boolean;
  /**
   * Whether the step includes the AdamW update. BERT-base's AdamW moments (880 MB) beside
   * its weights, gradients and backward temporaries overflow the wasm heap (measured: the
   * wasm module aborts), so that row measures forward + backward + gradient norm only
   * (the PyTorch script does the same work for that row).
   */
  readonly update: boolean;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const SHAPES: readonly Shape[] = [
  {
    preset: 'quick',
    config: presetConfig(trainPreset('quick'), 16384),
    batch: 32,
    nHard: 1,
    qLen: 16,
    pLen: 32,
    pooling: 'mean',
    tied: false,
    update: true,
  },
  {
    preset: 'bert-base',
    config: presetConfig(trainPreset('bert-base'), 30522),
    batch: 4,
    nHard: 1,
    qLen: 32,
    pLen: 64,
    pooling: 'cls',
    tied: true,
    update: false,
  },
];

function tokenBatch(rows: number, len: number, vocab: number, seed: number): TokenBatch {
  let s = seed >>> 0;
  const ids = new Int32Array(rows * len);
  for (let i = 0; i < ids.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    ids[i] = 5 + (s % (vocab - 5));
  }
  return {
    inputIds: tf.tensor2d(ids, [rows, len], 'int32'),
    attentionMask: tf.ones([rows, len], 'int32') as tf.Tensor2D,
    tokenTypeIds: tf.zeros([rows, len], 'int32') as tf.Tensor2D,
  };
}

function measure(shape: Shape, steps: number): Record<string, unknown> {
  const dual = createDualEncoder({ config: shape.config, seed: 1, tied: shape.tied });
  const params = dualParameters(dual);
  const optimizer = shape.update ? new AdamW(params, { weightDecay: 0.01 }) : undefined;
  const nP = shape.batch * (1 + shape.nHard);
  const q = tokenBatch(shape.batch, shape.qLen, shape.config.vocabSize, 1);
  const p = tokenBatch(nP, shape.pLen, shape.config.vocabSize, 2);
  const step = (): void => {
    const { grads } = contrastiveGradients(dual, q, p, params, {
      pooling: shape.pooling,
      nHard: shape.nHard,
    });
    const scale = clipCoefficient(globalNorm(grads), 1);
    optimizer?.applyGradients(grads, 1e-4, scale);
    tf.dispose([...grads.values()]);
  };
  step(); // warm-up: kernel setup, first allocations
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1]!;
  const tokens = shape.batch * shape.qLen + nP * shape.pLen;
  // forward + backward ≈ 3 × forward FLOPs (matrix products only).
  const flops =
    3 *
    (encoderFlops(shape.config, shape.batch, shape.qLen) +
      encoderFlops(shape.config, nP, shape.pLen));
  tf.dispose([
    q.inputIds,
    q.attentionMask,
    q.tokenTypeIds!,
    p.inputIds,
    p.attentionMask,
    p.tokenTypeIds!,
  ]);
  optimizer?.dispose();
  disposeDualEncoder(dual);
  return {
    preset: shape.preset,
    hidden: shape.config.hiddenSize,
    layers: shape.config.numHiddenLayers,
    tied: shape.tied,
    adamwUpdate: shape.update,
    vocab: shape.config.vocabSize,
    batch: shape.batch,
    nHard: shape.nHard,
    qLen: shape.qLen,
    pLen: shape.pLen,
    steps,
    secondsPerStep: Number(median.toFixed(3)),
    examplesPerSecond: Number((shape.batch / median).toFixed(2)),
    tokensPerSecond: Math.round(tokens / median),
    gflops: Number((flops / median / 1e9).toFixed(2)),
  };
}

const backend = await initBackend({ announce: false });
const steps = Number(arg('steps') ?? '3');
const only = arg('only');
const training = SHAPES.filter((s) => only === undefined || s.preset === only).map((s) =>
  measure(s, steps),
);
process.stdout.write(
  JSON.stringify({ backend: backend.name, threads: backend.threads, training }) + '\n',
);
