/**
 * The wasm training step against its forward pass, and why kalelab's ops exist.
 *
 * 1. A BERT-shaped encoder (default H 256, 4 layers, I 1024, batch 32 × 32 tokens):
 *    forward time vs forward + backward (tf.variableGrads over every weight), and on wasm
 *    the heap after the steps (`wasmHeapMiB`: the peak a step needed, which must stay under
 *    the 4 GiB the wasm heap can grow to).
 * 2. The same dense stack (x·W through 4 layers) differentiated two ways: tfjs' own
 *    matMul gradient (transpose flags: off wasm's fast path) and kalelab's ops.matMul.
 *
 * Usage: npx tsx bench/backend-train-step.ts [--hidden 256] [--layers 4] [--batch 32] [--seq 32]
 * Prints one JSON object.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, matMul, wasmHeapBytes } from '../src/backend/index.js';
import { measureLatency } from '../src/eval/index.js';
import {
  createEncoder,
  disposeEncoder,
  embed,
  encoderFlops,
  trainableVariables,
} from '../src/model/index.js';
import { numberArg } from './lib/args.js';

const H = numberArg('hidden', 256);
const layers = numberArg('layers', 4);
const B = numberArg('batch', 32);
const T = numberArg('seq', 32);
const report = await initBackend({ announce: false });

const config = {
  vocabSize: 8192,
  hiddenSize: H,
  numHiddenLayers: layers,
  numAttentionHeads: Math.max(1, H / 64),
  intermediateSize: 4 * H,
  maxPositionEmbeddings: 128,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
};
const encoder = createEncoder(config, 1);
const ids = tf.randomUniform([B, T], 5, config.vocabSize, 'int32') as tf.Tensor2D;
const batch = { inputIds: ids, attentionMask: tf.onesLike(ids) as tf.Tensor2D };
const vars = trainableVariables(encoder);

const forward = await measureLatency(
  () => {
    const out = embed(encoder, batch);
    out.dataSync();
    out.dispose();
  },
  { warmup: 2, runs: 8 },
);
const step = await measureLatency(
  () => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(embed(encoder, batch))) as tf.Scalar,
      vars,
    );
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  },
  { warmup: 1, runs: 5 },
);
const heapBytes = wasmHeapBytes(); // before the dense stack below adds its own

// Dense stack, tfjs' gradient vs kalelab's.
const x = tf.randomNormal([B * T, H]);
const ws = Array.from({ length: 4 }, () => tf.variable(tf.randomNormal([H, H], 0, 0.05)));
const dense = (mm: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => async () => {
  const { value, grads } = tf.variableGrads(() => {
    let h: tf.Tensor = x;
    for (const w of ws) h = tf.relu(mm(h, w));
    return tf.sum(h) as tf.Scalar;
  }, ws);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
};
const tfjsGrad = await measureLatency(
  dense((a, b) => tf.matMul(a, b)),
  { warmup: 1, runs: 5 },
);
const opsGrad = await measureLatency(
  dense((a, b) => matMul(a, b)),
  { warmup: 1, runs: 5 },
);

const fwdFlops = encoderFlops(config, B, T);
process.stdout.write(
  JSON.stringify(
    {
      backend: report.name,
      threads: report.threads,
      encoder: { hidden: H, layers, batch: B, seqLen: T },
      forwardMs: round(forward.medianMs),
      trainStepMs: round(step.medianMs),
      stepOverForward: round(step.medianMs / forward.medianMs),
      forwardGflops: round(fwdFlops / 1e6 / forward.medianMs),
      trainStepGflops: round((3 * fwdFlops) / 1e6 / step.medianMs),
      wasmHeapMiB: heapBytes === null ? null : Math.round(heapBytes / 2 ** 20),
      denseStack: {
        tfjsMatMulGradMs: round(tfjsGrad.medianMs),
        kalelabMatMulGradMs: round(opsGrad.medianMs),
        speedup: round(tfjsGrad.medianMs / opsGrad.medianMs),
      },
    },
    null,
    2,
  ) + '\n',
);
disposeEncoder(encoder);

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
