/**
 * The part of ONNX's protobuf schema (onnx/onnx.proto, IR version 8) that an exported
 * encoder needs — models, graphs, nodes, attributes, tensors and typed graph inputs/outputs —
 * declared with protobufjs reflection, and the plain records that encode into it.
 *
 * Why protobufjs and not `onnx-proto`: protobufjs 7 is the maintained protobuf library of the
 * JavaScript ecosystem; `onnx-proto` is an unmaintained generated bundle pinned to protobufjs 6.
 * Field numbers are ONNX's (they are the wire format). Fields kalelab never writes (sparse
 * tensors, functions, training info, sequence/map types) are left out: protobuf readers treat
 * absent fields as empty, so the files are complete ONNX models.
 */
import protobuf from 'protobufjs';

/** ONNX TensorProto.DataType values used here. */
export const DataType = Object.freeze({
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
});

/** IR version 8 (ONNX 1.10+): what ONNX Runtime ≥ 1.10 reads; opset 17 needs ≥ 8. */
export const IR_VERSION = 8;

const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
              },
            },
          },
        },
        TypeProto: {
          fields: { tensorType: { type: 'Tensor', id: 1 } },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: 'int32', id: 1 },
                shape: { type: 'TensorShapeProto', id: 2 },
              },
            },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(SCHEMA);
const ModelProto = root.lookupType('onnx.ModelProto');

/** A tensor with its bytes little-endian in `rawData` (ONNX's raw_data layout). */
export interface TensorRecord {
  readonly name: string;
  readonly dataType: number;
  readonly dims: readonly number[];
  readonly rawData: Uint8Array;
}

export interface AttributeRecord {
  readonly name: string;
  /** AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7. */
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly ints?: readonly number[];
}

export interface NodeRecord {
  readonly opType: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly name: string;
  readonly domain?: string;
  readonly attribute?: readonly AttributeRecord[];
}

/** A graph input or output: element type and dims, a string dim being symbolic (dynamic). */
export interface ValueRecord {
  readonly name: string;
  readonly elemType: number;
  readonly dims: ReadonlyArray<number | string>;
}

export interface GraphRecord {
  readonly name: string;
  readonly nodes: readonly NodeRecord[];
  readonly initializers: readonly TensorRecord[];
  readonly inputs: readonly ValueRecord[];
  readonly outputs: readonly ValueRecord[];
}

export interface ModelRecord {
  readonly graph: GraphRecord;
  /** Operator sets: '' (ai.onnx) and, where used, 'com.microsoft'. */
  readonly opsets: ReadonlyArray<{ readonly domain: string; readonly version: number }>;
  readonly producerVersion: string;
  readonly docString?: string;
}

function valueInfo(v: ValueRecord): object {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: v.elemType,
        shape: {
          dim: v.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

/** The serialized ONNX model (a .onnx file's bytes). */
export function encodeModel(model: ModelRecord): Uint8Array {
  const g = model.graph;
  const message = ModelProto.fromObject({
    irVersion: IR_VERSION,
    producerName: 'kalelab',
    producerVersion: model.producerVersion,
    docString: model.docString ?? '',
    opsetImport: model.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({ ...n, domain: n.domain ?? '', attribute: n.attribute ?? [] })),
      initializer: g.initializers.map((t) => ({ ...t })),
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  });
  return ModelProto.encode(message).finish();
}

/** Decodes a .onnx file into a plain object (for inspection and tests). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array }) as Record<
    string,
    unknown
  >;
}
