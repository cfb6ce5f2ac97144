/**
 * A small ONNX graph builder: named initializers, nodes with typed attributes, graph inputs
 * and outputs, and unique value names. It knows nothing about BERT (bert-graph.ts does) and
 * does no serialization (onnx-proto.ts does).
 */
import {
  DataType,
  type AttributeRecord,
  type GraphRecord,
  type NodeRecord,
  type TensorRecord,
  type ValueRecord,
} from './onnx-proto.js';

/** Typed attribute constructors (ONNX AttributeProto.AttributeType codes). */
export const attr = Object.freeze({
  float: (name: string, f: number): AttributeRecord => ({ name, type: 1, f }),
  int: (name: string, i: number): AttributeRecord => ({ name, type: 2, i }),
  string: (name: string, s: string): AttributeRecord => ({
    name,
    type: 3,
    s: new TextEncoder().encode(s),
  }),
  ints: (name: string, ints: readonly number[]): AttributeRecord => ({ name, type: 7, ints }),
});

function bytesOf(view: ArrayBufferView): Uint8Array {
  // A copy: the caller's array may be a view into a larger (e.g. tfjs-owned) buffer.
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function checkSize(name: string, length: number, dims: readonly number[]): void {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== length) {
    throw new Error(
      `initializer "${name}": ${length} values do not fill shape [${dims.join(', ')}]`,
    );
  }
}

export class GraphBuilder {
  readonly nodes: NodeRecord[] = [];
  readonly initializers: TensorRecord[] = [];
  readonly inputs: ValueRecord[] = [];
  readonly outputs: ValueRecord[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** A value name not used before, from `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  input(name: string, elemType: number, dims: ReadonlyArray<number | string>): string {
    this.inputs.push({ name: this.claim(name), elemType, dims });
    return name;
  }

  /** Declares `value` a graph output under its own name. */
  output(value: string, elemType: number, dims: ReadonlyArray<number | string>): void {
    this.outputs.push({ name: value, elemType, dims });
  }

  float(name: string, values: Float32Array, dims: readonly number[]): string {
    checkSize(name, values.length, dims);
    return this.tensor(name, DataType.FLOAT, dims, bytesOf(values));
  }

  int64(
    name: string,
    values: readonly number[],
    dims: readonly number[] = [values.length],
  ): string {
    checkSize(name, values.length, dims);
    return this.tensor(name, DataType.INT64, dims, bytesOf(BigInt64Array.from(values, BigInt)));
  }

  int8(name: string, values: Int8Array, dims: readonly number[]): string {
    checkSize(name, values.length, dims);
    return this.tensor(name, DataType.INT8, dims, bytesOf(values));
  }

  /** A float scalar (shape []), e.g. a constant operand of Mul or Div. */
  scalar(name: string, value: number): string {
    return this.float(name, Float32Array.of(value), []);
  }

  tensor(name: string, dataType: number, dims: readonly number[], rawData: Uint8Array): string {
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dataType, dims, rawData });
    return unique;
  }

  /** Adds a node with one output; returns the output's name. */
  op(
    opType: string,
    inputs: readonly string[],
    hint: string,
    attributes: readonly AttributeRecord[] = [],
    domain = '',
  ): string {
    return this.opN(opType, inputs, [hint], attributes, domain)[0]!;
  }

  /** Adds a node with several outputs (named from `hints`); returns their names. */
  opN(
    opType: string,
    inputs: readonly string[],
    hints: readonly string[],
    attributes: readonly AttributeRecord[] = [],
    domain = '',
  ): string[] {
    const output = hints.map((h) => this.fresh(h));
    const node: NodeRecord = {
      opType,
      input: inputs,
      output,
      name: output[0]!,
      attribute: attributes,
    };
    this.nodes.push(domain === '' ? node : { ...node, domain });
    return output;
  }

  build(): GraphRecord {
    return {
      name: this.name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
    };
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`graph value "${name}" is defined twice`);
    this.used.add(name);
    return name;
  }
}
