/**
 * In-batch-negative contrastive losses, as pure functions of embeddings (like
 * sentence-transformers' `compute_loss_from_embeddings`): they take tensors, not models, so
 * they can be checked with hand-made tensors against ../shared/oracle/losses.
 *
 * - `contrastiveLoss` — the DPR / Tevatron loss. Every query is scored against all
 *   B·(1+n) passages of the batch; passages are grouped per query
 *   `[pos_0, hard_0_1 … hard_0_n, pos_1, …]`, so query i's positive is passage i·(1+n)
 *   and everything else (other queries' positives and all hard negatives) is a negative.
 *   `scores = sim(q, p) · scale / temperature`, `loss = mean_i CE(scores_i, i·(1+n))`.
 *   Dot product with scale 1 and temperature 1 is DPR/Tevatron (Karpukhin et al. 2020;
 *   Gao et al. 2022, Tevatron); cosine with scale 20 is sentence-transformers' scoring.
 * - `multipleNegativesRankingLoss` — sentence-transformers' MultipleNegativesRankingLoss
 *   (Henderson et al. 2017) in ITS layout: candidates = concat(positives[B], negatives…[B]),
 *   the label of anchor i is i, cosine similarity × scale (default 20).
 *
 * Related: KALE's KL alignment loss lives in src/compress (it aligns query embeddings
 * only). These functions do not tokenize, encode or pool: give them pooled embeddings.
 * The score matrix uses src/backend `matMul` with transposeB (wasm-fast gradient).
 *
 * @example
 *   const loss = contrastiveLoss(qEmb, pEmb, { nHard: 1 }); // scalar, differentiable
 */
import * as tf from '@tensorflow/tfjs';
import { checkPositive } from './option-checks.js';
import { matMul } from '../backend/index.js';

export type Similarity = 'dot' | 'cosine';

export interface ContrastiveLossOptions {
  /** 'dot' (DPR/Tevatron, the paper's) or 'cosine' (L2-normalised rows). Default 'dot'. */
  readonly similarity?: Similarity;
  /** Multiplies the similarities; sentence-transformers uses 20 with cosine. Default 1. */
  readonly scale?: number;
  /** Divides the similarities (Tevatron's `temperature`). Default 1. */
  readonly temperature?: number;
  /** Hard negatives per query, n: p has B·(1+n) rows. Default: inferred from p's rows / B. */
  readonly nHard?: number;
}

export interface MnrlOptions {
  /** Multiplies the cosine similarities. Default 20 (sentence-transformers' default). */
  readonly scale?: number;
  /** 'cosine' as sentence-transformers (default) or 'dot'. */
  readonly similarity?: Similarity;
}

/** F.normalize(x, dim=-1, eps=1e-12): x / max(‖x‖, eps). */
function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  const norm = tf.sqrt(tf.sum(tf.square(x), 1, true)); // [N, 1]
  return tf.div(x, tf.maximum(norm, 1e-12));
}

/** scores = sim(a, b)·factor, [A, Bc]. */
function scoreMatrix(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  similarity: Similarity,
  factor: number,
): tf.Tensor2D {
  const [x, y] = similarity === 'cosine' ? [l2Normalize(a), l2Normalize(b)] : [a, b];
  const sims = matMul(x, y, true) as tf.Tensor2D; // [A, Bc]
  return factor === 1 ? sims : tf.mul(sims, factor);
}

/** mean_i −log softmax(scores_i)[target_i]. */
function meanCrossEntropy(scores: tf.Tensor2D, targets: readonly number[]): tf.Scalar {
  const [rows, cols] = scores.shape;
  const onehot = tf.oneHot(tf.tensor1d(targets as number[], 'int32'), cols); // [A, Bc]
  const picked = tf.sum(tf.mul(tf.logSoftmax(scores, 1), onehot), 1); // [A]
  return tf.div(tf.neg(tf.sum(picked)), rows);
}

function checkSimilarity(where: string, similarity: string): Similarity {
  if (similarity !== 'dot' && similarity !== 'cosine') {
    throw new Error(`${where}: similarity must be 'dot' or 'cosine', got "${similarity}"`);
  }
  return similarity;
}

/**
 * Tevatron / DPR contrastive loss over embeddings. `q` [B, H]; `p` [B·(1+n), H], grouped
 * per query with its positive first. Returns a scalar (mean over queries).
 */
export function contrastiveLoss(
  q: tf.Tensor2D,
  p: tf.Tensor2D,
  options: ContrastiveLossOptions = {},
): tf.Scalar {
  const where = 'contrastiveLoss';
  const similarity = checkSimilarity(where, options.similarity ?? 'dot');
  const scale = checkPositive(where, 'scale', options.scale ?? 1);
  const temperature = checkPositive(where, 'temperature', options.temperature ?? 1);
  const [b, h] = q.shape;
  const [np, hp] = p.shape;
  if (h !== hp) throw new Error(`${where}: q is [${b}, ${h}] but p is [${np}, ${hp}]`);
  if (b === 0) throw new Error(`${where}: empty batch (q has 0 rows)`);
  const group = options.nHard === undefined ? np / b : options.nHard + 1;
  if (!Number.isInteger(group) || group < 1 || group * b !== np) {
    throw new Error(
      `${where}: p has ${np} rows; expected B·(1+nHard) = ${b}·(1+${options.nHard ?? '?'})`,
    );
  }
  const targets = Array.from({ length: b }, (_, i) => i * group);
  return tf.tidy(() =>
    meanCrossEntropy(scoreMatrix(q, p, similarity, scale / temperature), targets),
  );
}

/**
 * sentence-transformers MultipleNegativesRankingLoss: anchors [B, H], positives [B, H],
 * optional negatives (one or several [B, H] tensors). Candidates are
 * concat(positives, negatives…); anchor i's label is i.
 */
export function multipleNegativesRankingLoss(
  anchors: tf.Tensor2D,
  positives: tf.Tensor2D,
  negatives: tf.Tensor2D | readonly tf.Tensor2D[] = [],
  options: MnrlOptions = {},
): tf.Scalar {
  const where = 'multipleNegativesRankingLoss';
  const similarity = checkSimilarity(where, options.similarity ?? 'cosine');
  const scale = checkPositive(where, 'scale', options.scale ?? 20);
  const negs = Array.isArray(negatives) ? negatives : [negatives as tf.Tensor2D];
  const [b, h] = anchors.shape;
  for (const [name, t] of [
    ['positives', positives],
    ...negs.map((n, i) => [`negatives[${i}]`, n]),
  ] as Array<[string, tf.Tensor2D]>) {
    if (t.shape[1] !== h || t.shape[0] !== b) {
      throw new Error(`${where}: ${name} is [${t.shape.join(', ')}], anchors are [${b}, ${h}]`);
    }
  }
  const targets = Array.from({ length: b }, (_, i) => i);
  return tf.tidy(() => {
    const candidates = negs.length === 0 ? positives : tf.concat([positives, ...negs], 0); // [B(1+k), H]
    return meanCrossEntropy(scoreMatrix(anchors, candidates, similarity, scale), targets);
  });
}

/**
 * One shard's view of a batch for data-parallel training: every shard's embeddings as host
 * arrays (constants), and where this shard's own rows sit.
 */
export interface ShardedEmbeddings {
  /** [B·H] and [B(1+n)·H], row-major, the whole batch. */
  readonly queries: Float32Array;
  readonly passages: Float32Array;
  /** B, the batch's queries. */
  readonly queryRows: number;
  /** This shard's first query row and first passage row. */
  readonly queryStart: number;
  readonly passageStart: number;
}

/** `constant` [rows, H] with rows [start, start + live rows) being `live` (gradient only there). */
function spliceLiveRows(
  constant: Float32Array,
  rows: number,
  live: tf.Tensor2D,
  start: number,
): tf.Tensor2D {
  const [n, h] = live.shape;
  const parts: tf.Tensor2D[] = [];
  if (start > 0) parts.push(tf.tensor2d(constant.slice(0, start * h), [start, h]));
  parts.push(live);
  const end = start + n;
  if (end < rows) parts.push(tf.tensor2d(constant.slice(end * h, rows * h), [rows - end, h]));
  return parts.length === 1 ? live : tf.concat(parts, 0);
}

/**
 * `contrastiveLoss` of the whole batch as one data-parallel worker sees it: its own shard's
 * embeddings `q` [b, H] and `p` [b(1+n), H] are live tensors, every other shard's rows are
 * constants from `all`. The loss value is the full batch's on every worker, and its gradient
 * reaches only this shard's embeddings, so the sum over workers of their parameter gradients
 * is the full-batch gradient (each embedding is made by exactly one worker).
 */
export function shardContrastiveLoss(
  q: tf.Tensor2D,
  p: tf.Tensor2D,
  all: ShardedEmbeddings,
  options: ContrastiveLossOptions = {},
): tf.Scalar {
  const h = q.shape[1];
  const passageRows = all.passages.length / h;
  if (all.queries.length !== all.queryRows * h || !Number.isInteger(passageRows)) {
    throw new Error(
      `shardContrastiveLoss: ${all.queries.length} query and ${all.passages.length} passage values do not make [${all.queryRows}, ${h}] and [·, ${h}]`,
    );
  }
  if (all.queryStart + q.shape[0] > all.queryRows || all.passageStart + p.shape[0] > passageRows) {
    throw new Error(
      `shardContrastiveLoss: the shard's rows (queries ${all.queryStart}+${q.shape[0]}, passages ${all.passageStart}+${p.shape[0]}) pass the batch's (${all.queryRows}, ${passageRows})`,
    );
  }
  return tf.tidy(() =>
    contrastiveLoss(
      spliceLiveRows(all.queries, all.queryRows, q, all.queryStart),
      spliceLiveRows(all.passages, passageRows, p, all.passageStart),
      options,
    ),
  );
}
