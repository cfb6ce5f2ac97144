/**
 * An encoder → the bytes of its .onnx file (fp32, or int8 after quantize.ts), with the
 * options recorded in the model's doc string. export.ts writes them in a model folder; the
 * ONNX Runtime engine runs them straight from memory.
 */
import { createRequire } from 'node:module';
import type { Encoder } from '../model/weights.js';
import { buildBertGraph, type BertGraphOptions } from './bert-graph.js';
import { encodeModel, type GraphRecord } from './onnx-proto.js';
import { quantizeGraph } from './quantize.js';

/** Opset 17: the first with LayerNormalization (ONNX 1.12, ONNX Runtime ≥ 1.12). */
export const DEFAULT_OPSET = 17;
/** The newest opset checked here (ONNX Runtime 1.30 runs up to 23). */
export const MAX_OPSET = 21;
/** protobuf's message limit: larger models would need ONNX external data, not written here. */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

const version = (createRequire(import.meta.url)('../../package.json') as { version: string })
  .version;

export type Precision = 'fp32' | 'int8';

export interface OnnxModelOptions extends BertGraphOptions {
  /** ai.onnx opset, DEFAULT_OPSET … MAX_OPSET (default 17). */
  readonly opset?: number;
}

/** Throws unless `opset` is an integer this exporter writes. */
export function checkOpset(opset: number): number {
  if (!Number.isInteger(opset) || opset < DEFAULT_OPSET || opset > MAX_OPSET) {
    throw new Error(
      `opset must be an integer in ${DEFAULT_OPSET}…${MAX_OPSET} (LayerNormalization needs 17), got ${String(opset)}`,
    );
  }
  return opset;
}

function checkSize(graph: GraphRecord): void {
  const bytes = graph.initializers.reduce((sum, t) => sum + t.rawData.byteLength, 0);
  if (bytes >= MAX_MODEL_BYTES) {
    throw new Error(
      `the encoder's weights take ${(bytes / 2 ** 30).toFixed(2)} GiB; a single .onnx file holds under 2 GiB (protobuf's limit) and ONNX external data is not written by this exporter`,
    );
  }
}

/** The .onnx bytes of `encoder`: `precisions` in order (fp32 and/or int8), one file each. */
export function onnxModelBytes(
  encoder: Encoder,
  options: OnnxModelOptions,
  precision: Precision = 'fp32',
): Uint8Array {
  return onnxModels(encoder, options, [precision])[0]!;
}

/** Several precisions from one graph build (export writes fp32 and int8 together). */
export function onnxModels(
  encoder: Encoder,
  options: OnnxModelOptions,
  precisions: readonly Precision[],
): Uint8Array[] {
  const opset = checkOpset(options.opset ?? DEFAULT_OPSET);
  const graph = buildBertGraph(encoder, options);
  checkSize(graph);
  return precisions.map((precision) =>
    encodeModel({
      graph: precision === 'int8' ? quantizeGraph(graph) : graph,
      opsets: [{ domain: '', version: opset }],
      producerVersion: version,
      docString: JSON.stringify({
        pooling: options.pooling,
        normalize: options.normalize,
        precision,
      }),
    }),
  );
}
