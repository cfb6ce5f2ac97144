/** Serving: ONNX export of the encoder, int8 quantization, and ONNX Runtime as an engine. */
export { buildBertGraph, INPUT_NAMES, OUTPUT_NAMES, type BertGraphOptions } from './bert-graph.js';
export {
  DEFAULT_EXPORT_OPTIONS,
  EXPORT_FILES,
  exportOnnx,
  QUANTIZATIONS,
  type ExportOptions,
  type ExportReport,
  type Quantization,
} from './export.js';
export {
  checkOpset,
  DEFAULT_OPSET,
  MAX_OPSET,
  onnxModelBytes,
  onnxModels,
  type OnnxModelOptions,
  type Precision,
} from './model-bytes.js';
export { decodeModel, encodeModel } from './onnx-proto.js';
export {
  loadOrt,
  ortAvailable,
  OrtEncoderSession,
  type OrtEngineOptions,
  type OrtOutputs,
} from './ort-engine.js';
export { quantizeGraph, quantizePerColumn, WEIGHT_QMAX, type QuantizedWeight } from './quantize.js';
export {
  createEncoderEngine,
  embedTextsOn,
  ENGINES,
  resolveEngine,
  type EncoderEngine,
  type EncoderEngineOptions,
  type EngineName,
} from './engine.js';
