/**
 * kalelab's BERT encoder as an ONNX graph, op for op what src/model computes (embeddings →
 * post-LN layers → pooling), in standard ai.onnx operators of opset 17: LayerNormalization,
 * the erf GELU, MatMul + Add, Softmax. These are the patterns PyTorch's exporter emits, so
 * ONNX Runtime's graph optimizer fuses them the same way (SkipLayerNormalization, Gelu /
 * BiasGelu, Attention) while other runtimes still read a plain ONNX file.
 *
 * Batch and sequence are dynamic axes. It reads weights, never changes them; quantize.ts
 * rewrites the MatMuls for int8.
 */
import { MASKED_SCORE } from '../model/attention.js';
import { headSize } from '../model/config.js';
import { layerName, type Encoder, type Pooling } from '../model/weights.js';
import { attr, GraphBuilder } from './graph.js';
import { DataType, type GraphRecord } from './onnx-proto.js';

export interface BertGraphOptions {
  /** Pooling of `sentence_embedding`: 'cls' (the paper's) or 'mean' (masked). */
  readonly pooling: Pooling;
  /** Scale `sentence_embedding` to unit L2 norm (cosine-trained models). */
  readonly normalize: boolean;
}

/** The graph's input and output names (transformers.js and sentence-transformers' names). */
export const INPUT_NAMES = Object.freeze(['input_ids', 'attention_mask', 'token_type_ids']);
export const OUTPUT_NAMES = Object.freeze(['last_hidden_state', 'sentence_embedding']);

/** The float values of weight `name` as src/model holds them (Linear weights [in, out]). */
function values(encoder: Encoder, name: string): { data: Float32Array; dims: number[] } {
  const v = encoder.weights.get(name);
  if (v === undefined) throw new Error(`exportOnnx: the encoder has no weight "${name}"`);
  if (v.dtype !== 'float32') {
    throw new Error(`exportOnnx: weight "${name}" is ${v.dtype}; only float32 weights export`);
  }
  return { data: v.dataSync() as Float32Array, dims: v.shape };
}

/** The graph being built and the encoder whose weights it reads. */
interface Build {
  readonly g: GraphBuilder;
  readonly encoder: Encoder;
}

/** Weight `name` as an initializer of the graph; returns its name. */
function weight(b: Build, name: string): string {
  const { data, dims } = values(b.encoder, name);
  return b.g.float(name, data, dims);
}

function linear(b: Build, x: string, prefix: string, hint: string): string {
  const { g } = b;
  const y = g.op('MatMul', [x, weight(b, `${prefix}.weight`)], `${hint}_mm`); // [B, S, out]
  return g.op('Add', [y, weight(b, `${prefix}.bias`)], hint); // [B, S, out]
}

function layerNorm(b: Build, x: string, prefix: string, hint: string): string {
  return b.g.op(
    'LayerNormalization',
    [x, weight(b, `${prefix}.weight`), weight(b, `${prefix}.bias`)],
    hint,
    [attr.int('axis', -1), attr.float('epsilon', b.encoder.config.layerNormEps)],
  );
}

function embeddings(b: Build): string {
  const { g } = b;
  const words = g.op(
    'Gather',
    [weight(b, 'embeddings.word_embeddings.weight'), 'input_ids'],
    'emb_words',
  ); // [B, S, H]
  const types = g.op(
    'Gather',
    [weight(b, 'embeddings.token_type_embeddings.weight'), 'token_type_ids'],
    'emb_types',
  ); // [B, S, H]
  const seq = g.op('Shape', ['input_ids'], 'seq_len', [attr.int('start', 1), attr.int('end', 2)]); // [1]
  const positions = g.op(
    'Slice',
    [
      weight(b, 'embeddings.position_embeddings.weight'),
      g.int64('zero', [0]),
      seq,
      g.int64('axis0', [0]),
    ],
    'emb_positions',
  ); // [S, H]
  const sum = g.op('Add', [g.op('Add', [words, types], 'emb_wt'), positions], 'emb_sum'); // [B, S, H]
  return layerNorm(b, sum, 'embeddings.LayerNorm', 'emb_out'); // [B, S, H]
}

/** attention_mask [B, S] → additive bias [B, 1, 1, S]: 0 on tokens, MASKED_SCORE on padding. */
function maskBias(g: GraphBuilder): { bias: string; maskFloat: string } {
  const maskFloat = g.op('Cast', ['attention_mask'], 'mask_f', [attr.int('to', DataType.FLOAT)]); // [B, S]
  const wide = g.op('Unsqueeze', [maskFloat, g.int64('axes12', [1, 2])], 'mask_4d'); // [B, 1, 1, S]
  const inverted = g.op('Sub', [g.scalar('one', 1), wide], 'mask_inv'); // [B, 1, 1, S]
  const bias = g.op('Mul', [inverted, g.scalar('masked_score', MASKED_SCORE)], 'mask_bias');
  return { bias, maskFloat };
}

function selfAttention(b: Build, layer: number, x: string, bias: string): string {
  const { g, encoder } = b;
  const { hiddenSize: H, numAttentionHeads: A } = encoder.config;
  const d = headSize(encoder.config);
  const p = (s: string): string => layerName(layer, s);
  const h = `l${layer}`;
  const heads = g.int64(`${h}_heads_shape`, [0, 0, A, d]); // 0 = keep that input dim
  const split = (which: string, perm: number[]): string =>
    g.op(
      'Transpose',
      [
        g.op(
          'Reshape',
          [linear(b, x, p(`attention.self.${which}`), `${h}_${which}`), heads],
          `${h}_${which}_heads`,
        ),
      ],
      `${h}_${which}_t`,
      [attr.ints('perm', perm)],
    );
  const q = split('query', [0, 2, 1, 3]); // [B, A, S, d]
  const kT = split('key', [0, 2, 3, 1]); // [B, A, d, S]
  const v = split('value', [0, 2, 1, 3]); // [B, A, S, d]
  const raw = g.op('MatMul', [q, kT], `${h}_scores_raw`); // [B, A, S, S]
  const scaled = g.op('Div', [raw, g.scalar(`${h}_sqrt_d`, Math.sqrt(d))], `${h}_scores_scaled`);
  const scores = g.op('Add', [scaled, bias], `${h}_scores`); // [B, A, S, S]
  const probs = g.op('Softmax', [scores], `${h}_probs`, [attr.int('axis', -1)]); // over keys
  const context = g.op('MatMul', [probs, v], `${h}_context`); // [B, A, S, d]
  const merged = g.op(
    'Reshape',
    [
      g.op('Transpose', [context], `${h}_context_t`, [attr.ints('perm', [0, 2, 1, 3])]),
      g.int64(`${h}_merge_shape`, [0, 0, H]),
    ],
    `${h}_merged`,
  ); // [B, S, H]
  return linear(b, merged, p('attention.output.dense'), `${h}_attn_out`); // [B, S, H]
}

/** GELU(x) = x · ½ · (1 + erf(x / √2)), exact, in the order PyTorch exports it. */
function gelu(g: GraphBuilder, x: string, h: string): string {
  const erf = g.op(
    'Erf',
    [g.op('Div', [x, g.scalar(`${h}_sqrt2`, Math.SQRT2)], `${h}_gelu_div`)],
    `${h}_gelu_erf`,
  );
  const onePlus = g.op('Add', [erf, g.scalar(`${h}_gelu_one`, 1)], `${h}_gelu_add`);
  const xTimes = g.op('Mul', [x, onePlus], `${h}_gelu_mul`);
  return g.op('Mul', [xTimes, g.scalar(`${h}_gelu_half`, 0.5)], `${h}_gelu`);
}

function transformerLayer(b: Build, layer: number, x: string, bias: string): string {
  const { g } = b;
  const p = (s: string): string => layerName(layer, s);
  const h = `l${layer}`;
  const attended = selfAttention(b, layer, x, bias); // [B, S, H]
  const a = layerNorm(
    b,
    g.op('Add', [attended, x], `${h}_res1`),
    p('attention.output.LayerNorm'),
    `${h}_ln1`,
  );
  const inner = gelu(g, linear(b, a, p('intermediate.dense'), `${h}_inter`), h); // [B, S, I]
  const out = linear(b, inner, p('output.dense'), `${h}_ffn_out`); // [B, S, H]
  return layerNorm(b, g.op('Add', [out, a], `${h}_res2`), p('output.LayerNorm'), `${h}_ln2`);
}

function pool(
  g: GraphBuilder,
  hidden: string,
  maskFloat: string,
  options: BertGraphOptions,
): string {
  let pooled: string;
  if (options.pooling === 'cls') {
    pooled = g.op('Gather', [hidden, g.int64('cls_index', [0], [])], 'pooled_cls', [
      attr.int('axis', 1),
    ]); // [B, H]
  } else {
    const mask = g.op('Unsqueeze', [maskFloat, g.int64('axis2', [2])], 'mask_3d'); // [B, S, 1]
    const axis1 = g.int64('axis1', [1]);
    const summed = g.op(
      'ReduceSum',
      [g.op('Mul', [hidden, mask], 'masked_hidden'), axis1],
      'pooled_sum',
      [attr.int('keepdims', 0)],
    ); // [B, H]
    const counts = g.op('ReduceSum', [mask, axis1], 'mask_count', [attr.int('keepdims', 0)]); // [B, 1]
    const safe = g.op('Max', [counts, g.scalar('min_count', 1e-9)], 'mask_count_safe');
    pooled = g.op('Div', [summed, safe], 'pooled_mean'); // [B, H]
  }
  if (!options.normalize) return g.op('Identity', [pooled], 'sentence_embedding');
  // A zero vector stays zero (as util/normalizeRows): divide by max(‖v‖, tiny).
  // ReduceSum takes its axes as an input in every opset ≥ 13 (ReduceL2 only from 18).
  const squares = g.op('Mul', [pooled, pooled], 'pooled_sq'); // [B, H]
  const sum = g.op('ReduceSum', [squares, g.int64('axis_last', [-1])], 'pooled_sq_sum', [
    attr.int('keepdims', 1),
  ]); // [B, 1]
  const norm = g.op('Sqrt', [sum], 'pooled_norm'); // [B, 1]
  const safe = g.op('Max', [norm, g.scalar('min_norm', 1e-30)], 'pooled_norm_safe');
  return g.op('Div', [pooled, safe], 'sentence_embedding'); // [B, H]
}

/** The whole encoder as an ONNX graph with inputs INPUT_NAMES and outputs OUTPUT_NAMES. */
export function buildBertGraph(encoder: Encoder, options: BertGraphOptions): GraphRecord {
  const { hiddenSize: H, numHiddenLayers } = encoder.config;
  const g = new GraphBuilder('kalelab_bert');
  for (const name of INPUT_NAMES) g.input(name, DataType.INT64, ['batch', 'sequence']);
  const build: Build = { g, encoder };
  const { bias, maskFloat } = maskBias(g);
  let x = embeddings(build); // [B, S, H]
  for (let l = 0; l < numHiddenLayers; l++) x = transformerLayer(build, l, x, bias);
  const hidden = g.op('Identity', [x], 'last_hidden_state'); // [B, S, H]
  const pooled = pool(g, hidden, maskFloat, options); // [B, H]
  g.output(hidden, DataType.FLOAT, ['batch', 'sequence', H]);
  g.output(pooled, DataType.FLOAT, ['batch', H]);
  return g.build();
}
