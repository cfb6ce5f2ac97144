/**
 * Dynamic int8 quantization of an exported graph, the scheme of ONNX Runtime's
 * `quantize_dynamic`: every MatMul whose second operand is a float weight [K, N] becomes
 *   DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, 0) → Cast → Mul(x_scale · w_scale)
 * with W quantized symmetrically per output column (per channel). ONNX Runtime fuses the
 * chain into one DynamicQuantizeMatMul kernel. Activation×activation MatMuls (attention
 * scores and context) stay float, as do embeddings, LayerNorms and the pooling.
 *
 * Weights use 7 bits (−63…63, ONNX Runtime's `reduce_range`): x86 CPUs without VNNI multiply
 * uint8×int8 in 16-bit pairs that saturate at full 8-bit range (255·127·2 > 32767); at 7 bits
 * they cannot (255·63·2 < 32767), so results do not depend on the CPU.
 */
import { attr } from './graph.js';
import { DataType, type GraphRecord, type NodeRecord, type TensorRecord } from './onnx-proto.js';

/** Largest |q| of a quantized weight (7-bit range, see the header). */
export const WEIGHT_QMAX = 63;

export interface QuantizedWeight {
  /** [K·N] row-major, in −WEIGHT_QMAX…WEIGHT_QMAX. */
  readonly values: Int8Array;
  /** [N]: column n is values[:, n] · scales[n]. */
  readonly scales: Float32Array;
}

/** Symmetric per-column quantization of W [K, N] (row-major). A zero column gets scale 1. */
export function quantizePerColumn(w: Float32Array, K: number, N: number): QuantizedWeight {
  if (w.length !== K * N) throw new Error(`quantizePerColumn: ${w.length} values ≠ ${K}×${N}`);
  const scales = new Float32Array(N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) scales[n] = Math.max(scales[n]!, Math.abs(w[k * N + n]!));
  }
  for (let n = 0; n < N; n++) scales[n] = scales[n]! > 0 ? scales[n]! / WEIGHT_QMAX : 1;
  const values = new Int8Array(K * N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      const q = Math.round(w[k * N + n]! / scales[n]!);
      values[k * N + n] = Math.max(-WEIGHT_QMAX, Math.min(WEIGHT_QMAX, q));
    }
  }
  return { values, scales };
}

function floats(t: TensorRecord): Float32Array {
  const copy = t.rawData.slice(); // aligned copy
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

function raw(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/** The graph with its weight MatMuls in int8; `graph` itself is left as it was. */
export function quantizeGraph(graph: GraphRecord): GraphRecord {
  const byName = new Map(graph.initializers.map((t) => [t.name, t]));
  const isWeight = (name: string | undefined): boolean => {
    const t = name === undefined ? undefined : byName.get(name);
    return t !== undefined && t.dataType === DataType.FLOAT && t.dims.length === 2;
  };
  const nodes: NodeRecord[] = [];
  const replaced = new Set<string>();
  const added: TensorRecord[] = [];
  for (const node of graph.nodes) {
    if (node.opType !== 'MatMul' || !isWeight(node.input[1])) {
      nodes.push(node);
      continue;
    }
    const w = byName.get(node.input[1]!)!;
    const [K, N] = w.dims as [number, number];
    const q = quantizePerColumn(floats(w), K, N);
    replaced.add(w.name);
    const base = node.output[0]!;
    const names = {
      wq: `${w.name}_quantized`,
      wScale: `${w.name}_scale`,
      wZero: `${w.name}_zero_point`,
      xq: `${base}_x_q`,
      xScale: `${base}_x_scale`,
      xZero: `${base}_x_zero_point`,
      int: `${base}_int32`,
      float: `${base}_int_float`,
      scale: `${base}_scale`,
    };
    added.push(
      { name: names.wq, dataType: DataType.INT8, dims: [K, N], rawData: raw(q.values) },
      { name: names.wScale, dataType: DataType.FLOAT, dims: [N], rawData: raw(q.scales) },
      { name: names.wZero, dataType: DataType.INT8, dims: [N], rawData: new Uint8Array(N) },
    );
    nodes.push(
      {
        opType: 'DynamicQuantizeLinear',
        input: [node.input[0]!],
        output: [names.xq, names.xScale, names.xZero],
        name: names.xq,
      },
      {
        opType: 'MatMulInteger',
        input: [names.xq, names.wq, names.xZero, names.wZero],
        output: [names.int],
        name: names.int,
      }, // [B, S, N] int32
      {
        opType: 'Cast',
        input: [names.int],
        output: [names.float],
        name: names.float,
        attribute: [attr.int('to', DataType.FLOAT)],
      },
      {
        opType: 'Mul',
        input: [names.xScale, names.wScale],
        output: [names.scale],
        name: names.scale,
      }, // [N]
      { opType: 'Mul', input: [names.float, names.scale], output: [base], name: base }, // [B, S, N]
    );
  }
  return {
    ...graph,
    nodes,
    initializers: [...graph.initializers.filter((t) => !replaced.has(t.name)), ...added],
  };
}
