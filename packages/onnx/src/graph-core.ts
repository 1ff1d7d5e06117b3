/**
 * The core of the graph builder: graph state, names and scopes, inputs, outputs, initializers,
 * constants, and the generic node emitter that the typed op methods (`ops-standard.ts`,
 * `ops-contrib.ts`) are built on.
 *
 * Naming follows llama.cpp's `cb(cur, "attn_norm", il)` (STYLE.md rule 10): every node has a name,
 * `scope('attn')` / `layer(3)` prefix it (`layers.3.attn.q_proj`), and the value an op produces takes
 * its node's name (`.<output>` appended for multi-output ops), so graph dumps read like the model.
 * Initializers keep the names they are given (checkpoint tensor names, rule 9), unscoped.
 */

import { attr, type TensorValue, tensorProto } from './attributes.js';
import { byteLengthOf, checkDims, checkDtype, ONNX_DATA_TYPES, type TensorDtype } from './dtypes.js';
import { OnnxError } from './errors.js';
import type { AttributeProto, NodeProto, ValueInfoProto } from './onnx-proto.js';
import { type Dim, Value } from './value.js';

/** The com.microsoft contrib-op domain. */
export const MS_DOMAIN = 'com.microsoft';
/** Opsets of the default domain the builder emits ops for (inclusive). */
export const MIN_OPSET = 21;
/** Newest default-domain opset accepted (onnxruntime 1.30 accepts up to 26). */
export const MAX_OPSET = 26;

/** Options of `new GraphBuilder(...)`. */
export interface GraphBuilderOptions {
  /** Graph name (ModelProto `graph.name`). */
  readonly name: string;
  /** Default-domain opset, in [21, 26]; default 21. Ops newer than it throw `OnnxError('OPSET')`. */
  readonly opset?: number;
  /** Free-text description stored as the graph's doc_string. */
  readonly docString?: string;
}

/** A reference to bytes already in an external data file (nothing is copied). */
export interface ExternalDataRef {
  /** File name relative to the model file. */
  readonly location: string;
  /** Byte offset in that file. */
  readonly offset: number;
  /** Byte length. */
  readonly length: number;
}

/**
 * Initializer data: bytes now, a (possibly async) function producing them when the model is written,
 * an async iterable of chunks (streamed straight to the external data file), or bytes that already
 * live in an external file. Lazy sources let a converter stream weights from safetensors without
 * holding the model in memory; each is consumed exactly once, at write time.
 */
export type InitializerData =
  | ArrayBufferView
  | (() => ArrayBufferView | Promise<ArrayBufferView>)
  | AsyncIterable<Uint8Array>
  | { readonly external: ExternalDataRef };

/** An initializer as recorded by the builder. */
export interface InitializerEntry {
  readonly name: string;
  readonly dtype: TensorDtype;
  readonly dims: readonly number[];
  readonly byteLength: number;
  readonly data: InitializerData;
}

/** Everything a builder has recorded; read by the model writer. */
export interface GraphState {
  readonly name: string;
  readonly opset: number;
  readonly docString: string | undefined;
  readonly nodes: NodeProto[];
  readonly inputs: ValueInfoProto[];
  readonly outputs: ValueInfoProto[];
  readonly initializers: InitializerEntry[];
  /** Domains used besides the default one, with their opset version. */
  readonly domains: Map<string, number>;
  readonly valueNames: Set<string>;
  readonly nodeNames: Set<string>;
}

const states = new WeakMap<object, GraphState>();

/** The recorded state of a builder (for the model writer; not public API). */
export function stateOf(graph: GraphCore): GraphState {
  const state = states.get(graph);
  if (state === undefined) throw new TypeError("'graph' must be a GraphBuilder");
  return state;
}

/** An int64 argument given either as a graph value or as literal numbers (made a Constant node). */
export type Int64Input = Value | readonly number[];

/** Output spec of {@link GraphCore.op}: names of outputs (null = omitted optional output). */
export interface OpOptions {
  /** Operator domain ('' = default ONNX domain). */
  readonly domain?: string;
  /** Attributes, built with `attr.*`; undefined entries are skipped. */
  readonly attributes?: readonly (AttributeProto | undefined)[];
  /** Output names (suffixes); one output called 'output' by default. `null` omits an optional output. */
  readonly outputs?: readonly (string | null)[];
  /** Dtype hints for the outputs, in order. */
  readonly dtypes?: readonly (TensorDtype | undefined)[];
}

function valueInfo(name: string, dtype: TensorDtype, shape: readonly Dim[] | undefined): ValueInfoProto {
  const tensorType: { elemType: number; shape?: { dim: { dimValue?: number; dimParam?: string }[] } } = {
    elemType: ONNX_DATA_TYPES[dtype],
  };
  if (shape !== undefined) {
    tensorType.shape = {
      dim: shape.map((d) =>
        typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {},
      ),
    };
  }
  return { name, type: { tensorType } };
}

function isAsyncIterable(x: unknown): x is AsyncIterable<Uint8Array> {
  return x !== null && typeof x === 'object' && Symbol.asyncIterator in x;
}

/**
 * The graph-building core. Use `GraphBuilder`, which adds one typed method per op on top of this.
 * A scoped view (`scope`, `layer`) shares the graph and only changes the name prefix.
 */
export class GraphCore {
  /** Node-name prefix of this view, e.g. `'layers.3.attn.'` (empty at the root). */
  readonly prefix: string;

  constructor(options: GraphBuilderOptions) {
    if (
      options === null ||
      typeof options !== 'object' ||
      typeof options.name !== 'string' ||
      options.name === ''
    ) {
      throw new TypeError("'options.name' must be a non-empty string");
    }
    const opset = options.opset ?? MIN_OPSET;
    if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new RangeError(
        `'options.opset' must be an integer in [${MIN_OPSET}, ${MAX_OPSET}], got ${opset}`,
      );
    }
    this.prefix = '';
    states.set(this, {
      name: options.name,
      opset,
      docString: options.docString,
      nodes: [],
      inputs: [],
      outputs: [],
      initializers: [],
      domains: new Map(),
      valueNames: new Set(),
      nodeNames: new Set(),
    });
  }

  /** Default-domain opset of the graph. */
  get opset(): number {
    return stateOf(this).opset;
  }

  /** A view of the same graph whose node names are prefixed by `name.` (nested scopes concatenate). */
  scope(name: string): this {
    if (typeof name !== 'string' || name === '') throw new TypeError("'name' must be a non-empty string");
    const view = Object.create(Object.getPrototypeOf(this)) as this;
    Object.defineProperty(view, 'prefix', { value: `${this.prefix}${name}.`, enumerable: true });
    states.set(view, stateOf(this));
    return view;
  }

  /** A view scoped to decoder/encoder layer `index`: node names read `layers.<index>.<name>`. */
  layer(index: number, prefix = 'layers'): this {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new RangeError(`'index' must be an integer >= 0, got ${index}`);
    }
    return this.scope(`${prefix}.${index}`);
  }

  /** Declares a graph input. `shape` entries: number = fixed, string = symbolic (`'batch'`). */
  input(name: string, dtype: TensorDtype, shape: readonly Dim[]): Value {
    checkDtype(dtype, 'dtype');
    this.checkShape(shape);
    const state = stateOf(this);
    this.claimValue(name);
    state.inputs.push(valueInfo(name, dtype, shape));
    return new Value(state, name, dtype, shape);
  }

  /**
   * Declares `value` a graph output called `name` (default: the value's own name; a different name
   * adds an Identity node). `dtype` defaults to the value's hint and is required when unknown.
   */
  output(value: Value, name: string = value.name, dtype?: TensorDtype, shape?: readonly Dim[]): Value {
    this.checkOwn(value);
    const type = dtype ?? value.dtype;
    if (type === undefined)
      throw new TypeError(`output '${name}' needs a 'dtype' (the value has no dtype hint)`);
    checkDtype(type, 'dtype');
    const state = stateOf(this);
    let out = value;
    if (name !== value.name) {
      this.claimValue(name);
      this.claimNode(name);
      state.nodes.push({ name, opType: 'Identity', input: [value.name], output: [name] });
      out = new Value(state, name, type, shape ?? value.shape);
    }
    if (state.outputs.some((o) => o.name === name))
      throw new OnnxError('DUPLICATE_NAME', 'output declared twice', { name });
    state.outputs.push(valueInfo(name, type, shape ?? value.shape));
    return out;
  }

  /**
   * Adds a weight. `name` is kept verbatim (no scope prefix: checkpoint names, STYLE.md rule 9).
   * `data` may be lazy (see {@link InitializerData}); its byte length is checked when it is written.
   */
  initializer(name: string, dtype: TensorDtype, dims: readonly number[], data: InitializerData): Value {
    checkDtype(dtype, 'dtype');
    checkDims(dims, 'dims');
    const byteLength = byteLengthOf(dtype, dims);
    if (ArrayBuffer.isView(data)) {
      if (data.byteLength !== byteLength) {
        throw new OnnxError(
          'BAD_INITIALIZER',
          `${data.byteLength} bytes given but ${dtype}[${dims.join(', ')}] needs ${byteLength}`,
          { name },
        );
      }
    } else if ('external' in (data as object) && typeof data !== 'function') {
      const ref = (data as { external: ExternalDataRef }).external;
      if (
        typeof ref?.location !== 'string' ||
        !Number.isSafeInteger(ref.offset) ||
        ref.length !== byteLength
      ) {
        throw new OnnxError(
          'BAD_INITIALIZER',
          `external ref must have a location, an offset and length ${byteLength}`,
          {
            name,
          },
        );
      }
    } else if (typeof data !== 'function' && !isAsyncIterable(data)) {
      throw new TypeError(
        `initializer '${name}': 'data' must be a typed array, a function, an async iterable or { external }`,
      );
    }
    const state = stateOf(this);
    this.claimValue(name);
    state.initializers.push({ name, dtype, dims: Object.freeze([...dims]), byteLength, data });
    return new Value(state, name, dtype, dims);
  }

  /** A `Constant` node holding a small tensor, named `<scope>.<name>`. */
  constant(value: TensorValue, name = 'const'): Value {
    const nodeName = this.claimNode(this.prefix + name);
    return this.constantNode(nodeName, value);
  }

  /** An int64 constant: a scalar for a number, 1-D for an array. */
  int64(values: number | readonly number[], name = 'const'): Value {
    return this.constant(int64Tensor(values), name);
  }

  /** A float32 constant: a scalar for a number, 1-D for an array. */
  float32(values: number | readonly number[], name = 'const'): Value {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(
      {
        dtype: 'float32',
        dims: typeof values === 'number' ? [] : [list.length],
        data: new Float32Array(list),
      },
      name,
    );
  }

  /**
   * Emits any node: the escape hatch under the typed op methods. Node name `<scope>.<name ?? opType>`
   * (made unique with `_1`, `_2`...); outputs are named after the node. Returns the output values.
   */
  op(
    opType: string,
    inputs: readonly (Value | undefined)[],
    options: OpOptions = {},
    name?: string,
  ): Value[] {
    const nodeName = this.nodeName(opType, name);
    return this.emit(nodeName, opType, inputs, options);
  }

  //#region Helpers for the op methods

  /** Claims a unique node name `<prefix><name ?? opType>`. */
  protected nodeName(opType: string, name: string | undefined): string {
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      throw new TypeError(`node name must be a non-empty string, got ${JSON.stringify(name)}`);
    }
    return this.claimNode(this.prefix + (name ?? opType));
  }

  /** An int64 input given as a value or literal numbers (a Constant named `<node>.<input>`). */
  protected int64Input(arg: Int64Input, nodeName: string, inputName: string): Value;
  protected int64Input(arg: Int64Input | undefined, nodeName: string, inputName: string): Value | undefined;
  protected int64Input(arg: Int64Input | undefined, nodeName: string, inputName: string): Value | undefined {
    if (arg === undefined || arg instanceof Value) return arg;
    if (!Array.isArray(arg)) throw new TypeError(`'${inputName}' must be a Value or an array of integers`);
    return this.constantNode(this.claimNode(`${nodeName}.${inputName}`), int64Tensor(arg));
  }

  /** Records a node and returns its output values (named after the node). */
  protected emit(
    nodeName: string,
    opType: string,
    inputs: readonly (Value | undefined)[],
    options: OpOptions,
  ): Value[] {
    const state = stateOf(this);
    const domain = options.domain ?? '';
    if (domain !== '' && !state.domains.has(domain)) state.domains.set(domain, 1);
    const names: string[] = [];
    let last = inputs.length;
    while (last > 0 && inputs[last - 1] === undefined) last -= 1; // trailing optional inputs are dropped
    for (const v of inputs.slice(0, last)) {
      if (v === undefined) names.push('');
      else names.push(this.checkOwn(v).name);
    }
    const specs = options.outputs ?? ['output'];
    const outputs: (Value | undefined)[] = [];
    const outputNames = specs.map((suffix, i) => {
      if (suffix === null) {
        outputs.push(undefined);
        return '';
      }
      const valueName = this.claimValue(specs.length === 1 ? nodeName : `${nodeName}.${suffix}`, true);
      outputs.push(new Value(state, valueName, options.dtypes?.[i]));
      return valueName;
    });
    while (outputNames.length > 0 && outputNames[outputNames.length - 1] === '') outputNames.pop();
    const node: NodeProto = { name: nodeName, opType, input: names, output: outputNames };
    if (domain !== '') node.domain = domain;
    const attributes = (options.attributes ?? []).filter((a): a is AttributeProto => a !== undefined);
    if (attributes.length > 0) node.attribute = attributes;
    state.nodes.push(node);
    return outputs.filter((v): v is Value => v !== undefined);
  }

  /** Throws `OnnxError('OPSET')` unless the graph's opset is at least `minimum`. */
  protected requireOpset(opType: string, minimum: number): void {
    if (this.opset < minimum) {
      throw new OnnxError('OPSET', `${opType} needs opset >= ${minimum}, the graph imports ${this.opset}`, {
        name: opType,
      });
    }
  }

  /** Checks a value belongs to this graph and returns it (views made by `scope` share the graph). */
  protected own(value: Value): Value {
    return this.checkOwn(value);
  }

  //#endregion

  private checkOwn(value: Value): Value {
    if (!(value instanceof Value)) throw new TypeError(`expected a Value, got ${typeof value}`);
    if (value.owner !== stateOf(this)) {
      throw new OnnxError('FOREIGN_VALUE', 'value belongs to another graph builder', { name: value.name });
    }
    return value;
  }

  private constantNode(nodeName: string, value: TensorValue): Value {
    const state = stateOf(this);
    const valueName = this.claimValue(nodeName, true);
    state.nodes.push({
      name: nodeName,
      opType: 'Constant',
      input: [],
      output: [valueName],
      attribute: [attr.tensor('value', value)],
    });
    tensorProto(nodeName, value); // validates length
    return new Value(state, valueName, value.dtype, value.dims);
  }

  private claimNode(name: string): string {
    const { nodeNames } = stateOf(this);
    let unique = name;
    for (let i = 1; nodeNames.has(unique); i++) unique = `${name}_${i}`;
    nodeNames.add(unique);
    return unique;
  }

  private claimValue(name: string, uniquify = false): string {
    const { valueNames } = stateOf(this);
    if (typeof name !== 'string' || name === '') throw new TypeError('value name must be a non-empty string');
    let unique = name;
    if (uniquify) for (let i = 1; valueNames.has(unique); i++) unique = `${name}_${i}`;
    else if (valueNames.has(name))
      throw new OnnxError('DUPLICATE_NAME', 'name is already used in the graph', { name });
    valueNames.add(unique);
    return unique;
  }

  private checkShape(shape: readonly Dim[]): void {
    if (!Array.isArray(shape)) throw new TypeError("'shape' must be an array");
    for (const d of shape) {
      if (d !== undefined && typeof d !== 'string' && !(Number.isSafeInteger(d) && d >= 0)) {
        throw new RangeError(
          `'shape' entries must be integers >= 0, names or undefined, got ${JSON.stringify(shape)}`,
        );
      }
    }
  }
}

/** An int64 TensorValue: scalar for a number, 1-D for an array. */
export function int64Tensor(values: number | readonly number[]): TensorValue {
  const list = typeof values === 'number' ? [values] : values;
  for (const v of list) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`int64 constant values must be integers, got ${v}`);
  }
  return {
    dtype: 'int64',
    dims: typeof values === 'number' ? [] : [list.length],
    data: BigInt64Array.from(list, (v) => BigInt(v)),
  };
}
