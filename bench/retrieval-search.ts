/**
 * Exact dense search throughput: Q [nq, 768] against D [100k, 768] float32, top-100 per
 * query, with `searchTopK` on the active tfjs backend; then the same product and top-k in
 * numpy (python3) on this machine, and the ratio. Prints one JSON object.
 *
 *   npx tsx bench/retrieval-search.ts            # KALELAB_SEARCH_QUERIES (default 512),
 *                                                # KALELAB_SEARCH_DOCS (default 100000)
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initBackend, matMul } from '../src/backend/index.js';
import { searchTopK } from '../src/retrieval/search.js';
import { Random } from '../src/util/random.js';

const docs = Number(process.env['KALELAB_SEARCH_DOCS'] ?? 100_000);
const queries = Number(process.env['KALELAB_SEARCH_QUERIES'] ?? 512);
const dim = 768;
const k = 100;

const backend = await initBackend({ announce: false });
const rng = new Random(1);
const docVecs = new Float32Array(docs * dim);
for (let i = 0; i < docVecs.length; i++) docVecs[i] = rng.next() - 0.5;
const queryVecs = new Float32Array(queries * dim);
for (let i = 0; i < queryVecs.length; i++) queryVecs[i] = rng.next() - 0.5;

// Warm-up on a slice (kernel setup), then one timed pass over everything.
searchTopK(queryVecs.subarray(0, 8 * dim), docVecs.subarray(0, 8192 * dim), dim, k);
const t0 = performance.now();
searchTopK(queryVecs, docVecs, dim, k);
const seconds = (performance.now() - t0) / 1000;
const flops = 2 * queries * docs * dim;

// The product alone (same chunks, read back, no top-k merge), to split the time.
const chunk = 8192;
const t2 = performance.now();
for (let q0 = 0; q0 < queries; q0 += 512) {
  const qb = Math.min(512, queries - q0);
  const qT = tf.tidy(() =>
    tf.transpose(tf.tensor2d(queryVecs.subarray(q0 * dim, (q0 + qb) * dim), [qb, dim])),
  );
  for (let d0 = 0; d0 < docs; d0 += chunk) {
    const c = Math.min(chunk, docs - d0);
    const s = tf.tidy(() =>
      matMul(tf.tensor2d(docVecs.subarray(d0 * dim, (d0 + c) * dim), [c, dim]), qT),
    );
    s.dataSync();
    s.dispose();
  }
  qT.dispose();
}
const matmulSeconds = (performance.now() - t2) / 1000;

const tfjs = {
  backend: backend.name,
  threads: backend.threads,
  docs,
  dim,
  queries,
  k,
  seconds: +seconds.toFixed(3),
  queriesPerSecond: +(queries / seconds).toFixed(1),
  gflops: +(flops / seconds / 1e9).toFixed(2),
  matmulSeconds: +matmulSeconds.toFixed(3),
  matmulGflops: +(flops / matmulSeconds / 1e9).toFixed(2),
};

const PY = `
import json, time, numpy as np
rng = np.random.default_rng(1)
D = (rng.random((${docs}, ${dim}), dtype=np.float32) - 0.5)
Q = (rng.random((${queries}, ${dim}), dtype=np.float32) - 0.5)
Q[:8] @ D[:8192].T
t0 = time.perf_counter(); S = Q @ D.T; t1 = time.perf_counter()
top = np.argpartition(-S, ${k}, axis=1)[:, :${k}]
rows = np.arange(S.shape[0])[:, None]
order = np.argsort(-S[rows, top], axis=1, kind='stable'); top = top[rows, order]
t2 = time.perf_counter()
print(json.dumps({"numpy": np.__version__, "matmulSeconds": t1 - t0, "seconds": t2 - t0}))
`;
/** Runs the numpy script with the given BLAS thread count ('default' leaves it unset). */
function runNumpy(threads: string): Record<string, unknown> {
  const env = { ...process.env };
  if (threads !== 'default') {
    env['OPENBLAS_NUM_THREADS'] = threads;
    env['OMP_NUM_THREADS'] = threads;
    env['MKL_NUM_THREADS'] = threads;
  }
  const python = process.env['KALELAB_PYTHON'] ?? 'python3';
  const py = spawnSync(python, ['-c', PY], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  if (py.status !== 0) {
    return {
      available: false,
      error: (py.stderr || String(py.error)).split('\n').slice(-2).join(' '),
    };
  }
  const r = JSON.parse(py.stdout.trim()) as {
    numpy: string;
    matmulSeconds: number;
    seconds: number;
  };
  return {
    available: true,
    version: r.numpy,
    blasThreads: threads,
    seconds: +r.seconds.toFixed(3),
    matmulSeconds: +r.matmulSeconds.toFixed(3),
    queriesPerSecond: +(queries / r.seconds).toFixed(1),
    gflops: +(flops / r.matmulSeconds / 1e9).toFixed(2),
  };
}
const numpy = runNumpy('default');
const numpy1 = runNumpy('1');
const ratio = numpy['available']
  ? +(tfjs.queriesPerSecond / (numpy['queriesPerSecond'] as number)).toFixed(3)
  : null;
const matmulRatio = numpy['available']
  ? +(tfjs.matmulGflops / (numpy['gflops'] as number)).toFixed(3)
  : null;
const ratio1 = numpy1['available']
  ? +(tfjs.queriesPerSecond / (numpy1['queriesPerSecond'] as number)).toFixed(3)
  : null;
console.log(
  JSON.stringify(
    {
      search: tfjs,
      numpy,
      numpySingleThread: numpy1,
      ratioTfjsOverNumpy: ratio,
      ratioTfjsOverNumpySingleThread: ratio1,
      matmulGflopsRatioTfjsOverNumpy: matmulRatio,
    },
    null,
    2,
  ),
);
