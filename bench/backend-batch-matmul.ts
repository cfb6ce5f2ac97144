/**
 * Batched matMul on the wasm backend: tfjs-backend-wasm's own BatchMatMul kernel against
 * kalelab's SIMD one (src/backend/batch-matmul.ts), on attention's shapes — scores
 * (Q · Kᵀ), context (P · V) — and the transposed products of their gradients.
 *
 * Usage: KALELAB_THREADS=1 npx tsx bench/backend-batch-matmul.ts [--batch 128] [--len 28] [--dim 32]
 * Prints one JSON object: per product, median milliseconds and GFLOP/s of each kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, originalBatchMatMul } from '../src/backend/index.js';
import { measureLatency } from '../src/eval/index.js';
import { numberArg } from './lib/args.js';

const backend = await initBackend({ prefer: 'wasm', announce: false });
if (backend.name !== 'wasm') throw new Error(`needs the wasm backend, got ${backend.name}`);
const batch = numberArg('batch', 128);
const L = numberArg('len', 28);
const d = numberArg('dim', 32);

interface Product {
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}
const products: Product[] = [
  { name: 'scores Q·Kᵀ', a: [batch, L, d], b: [batch, d, L], transposeA: false, transposeB: false },
  { name: 'context P·V', a: [batch, L, L], b: [batch, L, d], transposeA: false, transposeB: false },
  { name: 'dP = dC·Vᵀ', a: [batch, L, d], b: [batch, L, d], transposeA: false, transposeB: true },
  { name: 'dV = Pᵀ·dC', a: [batch, L, L], b: [batch, L, d], transposeA: true, transposeB: false },
];

const rows = [];
for (const p of products) {
  const a = tf.randomNormal(p.a, 0, 1, 'float32', 1);
  const b = tf.randomNormal(p.b, 0, 1, 'float32', 2);
  const m = p.transposeA ? p.a[2]! : p.a[1]!;
  const k = p.transposeA ? p.a[1]! : p.a[2]!;
  const n = p.transposeB ? p.b[1]! : p.b[2]!;
  const flop = 2 * batch * m * k * n;
  const time = async (f: () => tf.Tensor) =>
    (await measureLatency(() => f().dispose(), { warmup: 5, runs: 30 })).medianMs;
  const originalMs = await time(() => originalBatchMatMul(a, b, p.transposeA, p.transposeB));
  const simdMs = await time(() => tf.matMul(a, b, p.transposeA, p.transposeB));
  const gflops = (ms: number) => Number((flop / ms / 1e6).toFixed(2));
  rows.push({
    product: p.name,
    a: p.a,
    b: p.b,
    transposeA: p.transposeA,
    transposeB: p.transposeB,
    original: { medianMs: Number(originalMs.toFixed(3)), gflops: gflops(originalMs) },
    simd: { medianMs: Number(simdMs.toFixed(3)), gflops: gflops(simdMs) },
    speedup: Number((originalMs / simdMs).toFixed(1)),
  });
  tf.dispose([a, b]);
}
process.stdout.write(JSON.stringify({ backend: 'wasm', threads: backend.threads, rows }) + '\n');
