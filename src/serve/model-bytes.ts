/**
 * An encoder → the bytes of its .onnx file (fp32), with the options recorded in the model's
 * doc string. export.ts writes them in a model folder; the ONNX Runtime engine runs them
 * straight from memory.
 */
import { createRequire } from 'node:module';
import type { Encoder } from '../model/weights.js';
import { buildBertGraph, type BertGraphOptions } from './bert-graph.js';
import { encodeModel } from './onnx-proto.js';

/** Opset 17: the first with LayerNormalization (ONNX 1.12, ONNX Runtime ≥ 1.12). */
export const DEFAULT_OPSET = 17;
/** The newest opset checked here (ONNX Runtime 1.30 runs up to 23). */
export const MAX_OPSET = 21;

const version = (createRequire(import.meta.url)('../../package.json') as { version: string })
  .version;

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

export function onnxModelBytes(encoder: Encoder, options: OnnxModelOptions): Uint8Array {
  const opset = checkOpset(options.opset ?? DEFAULT_OPSET);
  const graph = buildBertGraph(encoder, options);
  return encodeModel({
    graph,
    opsets: [{ domain: '', version: opset }],
    producerVersion: version,
    docString: JSON.stringify({ pooling: options.pooling, normalize: options.normalize }),
  });
}
