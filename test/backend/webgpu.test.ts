/**
 * kalelab's ops and encoder on the webgpu backend (Dawn), against cpu and the PyTorch oracle.
 * Here and in CI the adapter is lavapipe (Mesa's Vulkan on the CPU; scripts/ci-setup-webgpu.sh).
 * Without it the tests fail when CI=true, and are reported as skipped, with the command to
 * install it, otherwise. Every read is asynchronous: webgpu cannot read synchronously in Node.
 */
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { SYNC_READ_ERROR, initBackend, type BackendName } from '../../src/backend/index.js';
import {
  disposeEncoder,
  disposeTokenBatch,
  embed,
  forward,
  loadEncoderWeights,
  pool,
  pruneLayers,
  type Encoder,
} from '../../src/model/index.js';
import {
  AdamW,
  contrastiveLoss,
  createDualEncoder,
  disposeDualEncoder,
  dualParameters,
} from '../../src/train/index.js';
import { fixture, maxViolation, readExpected, tokenBatch } from '../model/helpers.js';
import { blockWeights, gradientsOn } from './block.js';

const INSTALL = 'bash scripts/ci-setup-webgpu.sh';
let unavailable: string | undefined;

beforeAll(async () => {
  try {
    const report = await initBackend({ prefer: 'webgpu', announce: false });
    if (report.name !== 'webgpu') unavailable = `got ${report.name}`;
  } catch (error) {
    unavailable = (error as Error).message;
  }
  if (unavailable !== undefined) {
    const message = `webgpu unavailable (${unavailable}); install lavapipe: ${INSTALL}`;
    if (process.env['CI'] === 'true') throw new Error(message);
    console.warn(`SKIPPED test/backend/webgpu.test.ts: ${message}`);
  }
});

/** Skips (reported, with the reason) outside CI when there is no WebGPU adapter. */
function needWebgpu(ctx: TestContext): void {
  if (unavailable !== undefined) ctx.skip(`webgpu unavailable: ${INSTALL}`);
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

describe('the webgpu backend', () => {
  it('starts on the adapter it reports, and names synchronous reads in its error', async (ctx) => {
    needWebgpu(ctx);
    const report = await initBackend({ prefer: 'webgpu', announce: false });
    expect(report.adapter).toBeTruthy();
    const x = tf.tensor1d([1, 2, 3]);
    expect(Array.from(await x.square().data())).toEqual([1, 4, 9]);
    expect(() => x.dataSync()).toThrow(SYNC_READ_ERROR);
    x.dispose();
  });

  it('is passed over for wasm in a list when its only adapter is a software one', async (ctx) => {
    needWebgpu(ctx);
    const alone = await initBackend({ prefer: 'webgpu', announce: false });
    if (alone.gpu) ctx.skip('a hardware adapter: there is no software one to pass over');
    const report = await initBackend({ prefer: ['webgpu', 'wasm'], announce: false });
    expect(report.name).toBe('wasm');
    expect(report.attempts[0]?.note).toMatch(
      /^only a software adapter \(.+\); KALELAB_BACKEND=webgpu uses it$/,
    );
  });

  it('gives the same gradients of a BERT-like block as cpu (float32 tolerance)', async (ctx) => {
    needWebgpu(ctx);
    const raw = blockWeights(7, 16, 8, 16);
    const cpu = await gradientsOn('cpu', raw);
    const gpu = await gradientsOn('webgpu', raw);
    expect(Math.abs(cpu.loss - gpu.loss)).toBeLessThan(1e-5);
    for (const [name, g] of Object.entries(cpu.grads)) {
      expect(maxDiff(g, gpu.grads[name]!), `${name} gradient differs`).toBeLessThan(1e-4);
    }
  });
});

/** Pooling checked: 'cls' (mean pooling trips a tfjs-backend-webgpu bug, see below). */
async function checkOracle(
  encoder: Encoder,
  model: string,
  tag: string,
  expected: ReturnType<typeof readExpected>['full'],
  pooling: 'cls' | 'mean' = 'cls',
) {
  const inputs = readExpected(model).inputs;
  for (const input of ['batch', 'pair', 'long'] as const) {
    const batch = tokenBatch(inputs[input]!);
    const hidden = forward(encoder, batch); // [B, L, H]
    const cls = pool(hidden, batch.attentionMask, pooling); // [B, H]
    const want = expected[input]!;
    const results = {
      last_hidden_state: maxViolation(await hidden.data(), want.last_hidden_state.flat(2)),
      [pooling]: maxViolation(
        await cls.data(),
        (pooling === 'cls' ? want.cls : want.mean_pooled).flat(),
      ),
    };
    tf.dispose([hidden, cls]);
    disposeTokenBatch(batch);
    for (const [what, r] of Object.entries(results))
      expect(r.worst, `${tag} ${input} ${what}: max |Δ| ${r.maxAbs}`).toBeLessThanOrEqual(1);
  }
}

describe('encoder matches the PyTorch oracle on webgpu', () => {
  for (const model of ['tiny', 'small'] as const) {
    it(`${model}: full and every pruned layer set`, async (ctx) => {
      needWebgpu(ctx);
      await initBackend({ prefer: 'webgpu', announce: false });
      const before = tf.memory().numTensors;
      const expected = readExpected(model);
      const { encoder } = await loadEncoderWeights(fixture(model));
      await checkOracle(encoder, model, `webgpu ${model} full`, expected.full);
      for (const [key, outputs] of Object.entries(expected.pruned)) {
        const pruned = pruneLayers(encoder, outputs.keep_layers);
        await checkOracle(pruned, model, `webgpu ${model} ${key}`, outputs);
        disposeEncoder(pruned);
      }
      disposeEncoder(encoder);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  // A known defect, pinned so that a fixed tfjs shows up here: after the encoder's forward,
  // mean pooling makes tfjs-backend-webgpu 4.22 compile a TransposeProgram that writes i32
  // into an f32 output; Dawn rejects the shader, and with it the command buffer that held
  // the forward pass too. Use 'cls' pooling on webgpu until it is fixed.
  it.fails(
    'mean pooling (fails: invalid TransposeProgram in tfjs-backend-webgpu 4.22)',
    async (ctx) => {
      needWebgpu(ctx);
      await initBackend({ prefer: 'webgpu', announce: false });
      const { encoder } = await loadEncoderWeights(fixture('tiny'));
      try {
        await checkOracle(encoder, 'tiny', 'webgpu tiny mean', readExpected('tiny').full, 'mean');
      } finally {
        for (const v of encoder.weights.values()) v.dispose();
      }
    },
  );
});

/** Loss and updated parameters after 2 AdamW steps of a small dual encoder on `backend`. */
async function trainOn(backend: BackendName, init: Map<string, Float32Array> | undefined) {
  await initBackend({ prefer: backend, announce: false });
  const config = {
    vocabSize: 128,
    hiddenSize: 32,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 64,
    maxPositionEmbeddings: 32,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    initializerRange: 0.02,
  };
  const dual = createDualEncoder({ config, seed: 5, tied: false });
  const params = dualParameters(dual);
  // The same starting weights on both backends, whatever each one's random kernels do.
  if (init)
    for (const { name, variable } of params)
      variable.assign(tf.tensor(init.get(name)!, variable.shape));
  const start = new Map(
    await Promise.all(
      params.map(async (p) => [p.name, await p.variable.data()] as [string, Float32Array]),
    ),
  );
  const ids = (rows: number, len: number, seed: number) => {
    const inputIds = tf.randomUniform(
      [rows, len],
      5,
      config.vocabSize,
      'int32',
      seed,
    ) as tf.Tensor2D;
    return { inputIds, attentionMask: tf.onesLike(inputIds) as tf.Tensor2D };
  };
  const q = ids(4, 8, 1); // [4, 8]
  const p = ids(8, 12, 2); // [8, 12]: a positive and a hard negative per query
  const optimizer = new AdamW(params, { weightDecay: 0.01 });
  const losses: number[] = [];
  const firstGrads = new Map<string, Float32Array>();
  for (let step = 0; step < 2; step++) {
    const { value, grads } = tf.variableGrads(
      () =>
        contrastiveLoss(embed(dual.query, q, 'cls'), embed(dual.passage, p, 'cls'), { nHard: 1 }),
      params.map((x) => x.variable),
    );
    losses.push((await value.data())[0]!);
    const byVar = new Map(params.map((x) => [x.variable.name, x.name]));
    const named = new Map(Object.entries(grads).map(([v, g]) => [byVar.get(v)!, g]));
    if (step === 0) for (const [n, g] of named) firstGrads.set(n, (await g.data()) as Float32Array);
    optimizer.applyGradients(named, 1e-3, 1);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const after = new Map(
    await Promise.all(
      params.map(async (x) => [x.name, await x.variable.data()] as [string, Float32Array]),
    ),
  );
  tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask]);
  optimizer.dispose();
  disposeDualEncoder(dual);
  return { start, losses, firstGrads, after };
}

describe('a training step on webgpu', () => {
  // Gradients and losses, not the weights after AdamW: Adam divides by √v, so on weights whose
  // gradient is at rounding level (~1e-9) float32 noise alone moves them by up to lr.
  it('gives the losses and gradients of cpu within float32 tolerance', async (ctx) => {
    needWebgpu(ctx);
    const cpu = await trainOn('cpu', undefined);
    const gpu = await trainOn('webgpu', cpu.start);
    for (let i = 0; i < 2; i++)
      expect(Math.abs(gpu.losses[i]! - cpu.losses[i]!), `loss ${i}`).toBeLessThan(1e-4);
    for (const [name, g] of cpu.firstGrads) {
      const scale = Math.max(...Array.from(g, Math.abs));
      expect(scale, `${name} gradient is all zeros`).toBeGreaterThan(0);
      const d = maxDiff(g, gpu.firstGrads.get(name)!);
      expect(d, `${name} gradient`).toBeLessThanOrEqual(1e-6 + 1e-3 * scale);
    }
    expect(gpu.losses[1]!).toBeLessThan(gpu.losses[0]!); // the AdamW step lowered the loss
  });
});
