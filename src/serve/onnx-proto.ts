/**
 * The part of ONNX's protobuf schema (onnx/onnx.proto, IR version 8) that an exported
 * encoder needs — models, graphs, nodes, attributes, tensors and typed graph inputs/outputs —
 * written as .proto text that protobufjs parses, and the plain records that encode into it.
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

/**
 * onnx.proto's messages, cut to the fields above; protobufjs camel-cases the names. Repeated
 * numbers are packed (proto3's layout, which every protobuf reader accepts for proto2 too).
 */
const ONNX_PROTO = `
syntax = "proto2";
package onnx;

message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7 [packed = true];
  repeated int64 ints = 8 [packed = true];
  optional int32 type = 20;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}

message TensorProto {
  repeated int64 dims = 1 [packed = true];
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

// resolveAll settles each field's encoding (the packed option) before the first encode.
const root = protobuf.parse(ONNX_PROTO).root.resolveAll();
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
