/**
 * Typed methods for the default-domain ONNX operators the NVLM graphs use (opset 21 semantics:
 * axes, shapes, starts/ends and split sizes are inputs, not attributes). Each method documents the
 * op; the full definitions are https://onnx.ai/onnx/operators/. The last parameter of every method is
 * the node name inside the current scope (default: the op type).
 */

import { attr, type TensorValue } from './attributes.js';
import { checkDtype, ONNX_DATA_TYPES, type TensorDtype } from './dtypes.js';
import { GraphCore, type Int64Input } from './graph-core.js';
import type { Value } from './value.js';

/** Attributes of {@link StandardOps.gemm}. */
export interface GemmAttributes {
  readonly alpha?: number;
  readonly beta?: number;
  readonly transA?: boolean;
  readonly transB?: boolean;
}

/** Attributes of {@link StandardOps.layerNormalization} and {@link StandardOps.rmsNormalization}. */
export interface NormAttributes {
  /** First normalised axis (default -1). */
  readonly axis?: number;
  /** Added to the variance (default 1e-5). */
  readonly epsilon?: number;
}

/** Attributes of {@link StandardOps.conv}. */
export interface ConvAttributes {
  readonly strides?: readonly number[];
  readonly pads?: readonly number[];
  readonly dilations?: readonly number[];
  readonly group?: number;
  readonly kernelShape?: readonly number[];
}

const flag = (name: string, value: boolean | undefined) =>
  value === undefined ? undefined : attr.int(name, value ? 1 : 0);
const optInt = (name: string, value: number | undefined) =>
  value === undefined ? undefined : attr.int(name, value);
const optFloat = (name: string, value: number | undefined) =>
  value === undefined ? undefined : attr.float(name, value);

/** Default-domain operators. */
export class StandardOps extends GraphCore {
  private unaryOp(opType: string, x: Value, name: string | undefined, dtype = x.dtype): Value {
    return this.op(opType, [x], { dtypes: [dtype] }, name)[0]!;
  }

  private binaryOp(
    opType: string,
    a: Value,
    b: Value,
    name: string | undefined,
    dtype = a.dtype ?? b.dtype,
  ): Value {
    return this.op(opType, [a, b], { dtypes: [dtype] }, name)[0]!;
  }

  //#region Elementwise

  /** `a + b` (broadcasting). */
  add(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Add', a, b, name);
  }
  /** `a - b` (broadcasting). */
  sub(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Sub', a, b, name);
  }
  /** `a * b` (broadcasting). */
  mul(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Mul', a, b, name);
  }
  /** `a / b` (broadcasting; integer division truncates). */
  div(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Div', a, b, name);
  }
  /** `a ** b` (broadcasting). */
  pow(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Pow', a, b, name, a.dtype);
  }
  /** Elementwise maximum of one or more tensors. */
  max(inputs: readonly Value[], name?: string): Value {
    return this.op('Max', inputs, { dtypes: [inputs[0]?.dtype] }, name)[0]!;
  }
  /** Elementwise minimum of one or more tensors. */
  min(inputs: readonly Value[], name?: string): Value {
    return this.op('Min', inputs, { dtypes: [inputs[0]?.dtype] }, name)[0]!;
  }
  /** Square root. */
  sqrt(x: Value, name?: string): Value {
    return this.unaryOp('Sqrt', x, name);
  }
  /** `1 / x`. */
  reciprocal(x: Value, name?: string): Value {
    return this.unaryOp('Reciprocal', x, name);
  }
  /** `-x`. */
  neg(x: Value, name?: string): Value {
    return this.unaryOp('Neg', x, name);
  }
  /** `|x|`. */
  abs(x: Value, name?: string): Value {
    return this.unaryOp('Abs', x, name);
  }
  /** `e^x`. */
  exp(x: Value, name?: string): Value {
    return this.unaryOp('Exp', x, name);
  }
  /** Natural logarithm. */
  log(x: Value, name?: string): Value {
    return this.unaryOp('Log', x, name);
  }
  /** Sine. */
  sin(x: Value, name?: string): Value {
    return this.unaryOp('Sin', x, name);
  }
  /** Cosine. */
  cos(x: Value, name?: string): Value {
    return this.unaryOp('Cos', x, name);
  }
  /** Hyperbolic tangent. */
  tanh(x: Value, name?: string): Value {
    return this.unaryOp('Tanh', x, name);
  }
  /** Logistic sigmoid. */
  sigmoid(x: Value, name?: string): Value {
    return this.unaryOp('Sigmoid', x, name);
  }
  /** Gauss error function. */
  erf(x: Value, name?: string): Value {
    return this.unaryOp('Erf', x, name);
  }
  /** `max(x, 0)`. */
  relu(x: Value, name?: string): Value {
    return this.unaryOp('Relu', x, name);
  }
  /** GELU (opset 20): exact erf form, or the tanh approximation with `approximate: 'tanh'`. */
  gelu(x: Value, attributes: { readonly approximate?: 'none' | 'tanh' } = {}, name?: string): Value {
    const approximate =
      attributes.approximate === undefined ? undefined : attr.string('approximate', attributes.approximate);
    return this.op('Gelu', [x], { attributes: [approximate], dtypes: [x.dtype] }, name)[0]!;
  }
  /** Elementwise NaN test (bool output). */
  isNaN(x: Value, name?: string): Value {
    return this.unaryOp('IsNaN', x, name, 'bool');
  }
  /** Logical not (bool). */
  not(x: Value, name?: string): Value {
    return this.unaryOp('Not', x, name, 'bool');
  }
  /** `a == b` (bool output, broadcasting). */
  equal(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Equal', a, b, name, 'bool');
  }
  /** `a < b` (bool output, broadcasting). */
  less(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Less', a, b, name, 'bool');
  }
  /** `a > b` (bool output, broadcasting). */
  greater(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Greater', a, b, name, 'bool');
  }
  /** Logical and (bool, broadcasting). */
  and(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('And', a, b, name, 'bool');
  }
  /** Logical or (bool, broadcasting). */
  or(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('Or', a, b, name, 'bool');
  }
  /** `condition ? x : y` elementwise (broadcasting). */
  where(condition: Value, x: Value, y: Value, name?: string): Value {
    return this.op('Where', [condition, x, y], { dtypes: [x.dtype ?? y.dtype] }, name)[0]!;
  }
  /** Converts to `to`. */
  cast(x: Value, to: TensorDtype, name?: string): Value {
    checkDtype(to, 'to');
    return this.op(
      'Cast',
      [x],
      { attributes: [attr.int('to', ONNX_DATA_TYPES[to])], dtypes: [to] },
      name,
    )[0]!;
  }
  /** Passes `x` through unchanged (a named alias). */
  identity(x: Value, name?: string): Value {
    return this.unaryOp('Identity', x, name);
  }

  //#endregion

  //#region Linear algebra and normalisation

  /** Matrix product with numpy broadcasting over leading dims. */
  matMul(a: Value, b: Value, name?: string): Value {
    return this.binaryOp('MatMul', a, b, name);
  }
  /** `alpha * A' B' + beta * C` on 2-D A and B. */
  gemm(a: Value, b: Value, c: Value | undefined, attributes: GemmAttributes = {}, name?: string): Value {
    const attributesList = [
      optFloat('alpha', attributes.alpha),
      optFloat('beta', attributes.beta),
      flag('transA', attributes.transA),
      flag('transB', attributes.transB),
    ];
    return this.op('Gemm', [a, b, c], { attributes: attributesList, dtypes: [a.dtype] }, name)[0]!;
  }
  /** Softmax along `axis` (default -1). */
  softmax(x: Value, attributes: { readonly axis?: number } = {}, name?: string): Value {
    return this.op(
      'Softmax',
      [x],
      { attributes: [optInt('axis', attributes.axis)], dtypes: [x.dtype] },
      name,
    )[0]!;
  }
  /** LayerNormalization (opset 17): `(x - mean) / sqrt(var + eps) * scale + bias` over axes >= `axis`. */
  layerNormalization(
    x: Value,
    scale: Value,
    bias: Value | undefined,
    attributes: NormAttributes = {},
    name?: string,
  ): Value {
    const list = [optInt('axis', attributes.axis), optFloat('epsilon', attributes.epsilon)];
    return this.op('LayerNormalization', [x, scale, bias], { attributes: list, dtypes: [x.dtype] }, name)[0]!;
  }
  /** RMSNormalization (opset 23): `x / sqrt(mean(x²) + eps) * scale`. Needs a graph opset >= 23. */
  rmsNormalization(x: Value, scale: Value, attributes: NormAttributes = {}, name?: string): Value {
    this.requireOpset('RMSNormalization', 23);
    const list = [optInt('axis', attributes.axis), optFloat('epsilon', attributes.epsilon)];
    return this.op('RMSNormalization', [x, scale], { attributes: list, dtypes: [x.dtype] }, name)[0]!;
  }
  /**
   * onnxruntime's SimplifiedLayerNormalization (RMSNorm, registered in the default domain by ORT,
   * runs at any opset): `x / sqrt(mean(x²) + eps) * scale`.
   */
  simplifiedLayerNormalization(
    x: Value,
    scale: Value,
    attributes: NormAttributes = {},
    name?: string,
  ): Value {
    const list = [optInt('axis', attributes.axis), optFloat('epsilon', attributes.epsilon)];
    return this.op(
      'SimplifiedLayerNormalization',
      [x, scale],
      { attributes: list, dtypes: [x.dtype] },
      name,
    )[0]!;
  }
  /** Mean over `axes` (all axes when omitted); `keepdims` defaults to true as in ONNX. */
  reduceMean(
    x: Value,
    axes?: Int64Input,
    attributes: { readonly keepdims?: boolean } = {},
    name?: string,
  ): Value {
    return this.reduceOp('ReduceMean', x, axes, attributes.keepdims, name);
  }
  /** Sum over `axes` (all axes when omitted); `keepdims` defaults to true as in ONNX. */
  reduceSum(
    x: Value,
    axes?: Int64Input,
    attributes: { readonly keepdims?: boolean } = {},
    name?: string,
  ): Value {
    return this.reduceOp('ReduceSum', x, axes, attributes.keepdims, name);
  }
  private reduceOp(
    opType: string,
    x: Value,
    axes: Int64Input | undefined,
    keepdims: boolean | undefined,
    name?: string,
  ): Value {
    const node = this.nodeName(opType, name);
    const inputs = [x, this.int64Input(axes, node, 'axes')];
    return this.emit(node, opType, inputs, {
      attributes: [flag('keepdims', keepdims)],
      dtypes: [x.dtype],
    })[0]!;
  }
  /** Cumulative sum along the scalar int `axis` input. */
  cumSum(
    x: Value,
    axis: Value | number,
    attributes: { readonly exclusive?: boolean; readonly reverse?: boolean } = {},
    name?: string,
  ): Value {
    const node = this.nodeName('CumSum', name);
    const axisValue =
      typeof axis === 'number' ? this.int64(axis, `${node.slice(this.prefix.length)}.axis`) : axis;
    const list = [flag('exclusive', attributes.exclusive), flag('reverse', attributes.reverse)];
    return this.emit(node, 'CumSum', [x, axisValue], { attributes: list, dtypes: [x.dtype] })[0]!;
  }
  /** 2-D (or N-D) convolution; weights [M, C/group, kH, kW]. */
  conv(x: Value, w: Value, b: Value | undefined, attributes: ConvAttributes = {}, name?: string): Value {
    const list = [
      attributes.dilations && attr.ints('dilations', attributes.dilations),
      optInt('group', attributes.group),
      attributes.kernelShape && attr.ints('kernel_shape', attributes.kernelShape),
      attributes.pads && attr.ints('pads', attributes.pads),
      attributes.strides && attr.ints('strides', attributes.strides),
    ];
    return this.op('Conv', [x, w, b], { attributes: list, dtypes: [x.dtype] }, name)[0]!;
  }
  /** Keeps the upper (default) or lower triangle, offset by `k` diagonals. */
  trilu(x: Value, k?: Value | number, attributes: { readonly upper?: boolean } = {}, name?: string): Value {
    const node = this.nodeName('Trilu', name);
    const kValue = typeof k === 'number' ? this.int64(k, `${node.slice(this.prefix.length)}.k`) : k;
    return this.emit(node, 'Trilu', [x, kValue], {
      attributes: [flag('upper', attributes.upper)],
      dtypes: [x.dtype],
    })[0]!;
  }

  //#endregion

  //#region Shapes and indexing

  /** Reshape; `shape` may hold 0 (copy dim) and one -1 (infer). Comment the shapes at call sites. */
  reshape(x: Value, shape: Int64Input, name?: string): Value {
    const node = this.nodeName('Reshape', name);
    return this.emit(node, 'Reshape', [x, this.int64Input(shape, node, 'shape')], { dtypes: [x.dtype] })[0]!;
  }
  /** Permutes dimensions. */
  transpose(x: Value, perm: readonly number[], name?: string): Value {
    return this.op('Transpose', [x], { attributes: [attr.ints('perm', perm)], dtypes: [x.dtype] }, name)[0]!;
  }
  /** Concatenates along `axis`. */
  concat(inputs: readonly Value[], axis: number, name?: string): Value {
    return this.op(
      'Concat',
      inputs,
      { attributes: [attr.int('axis', axis)], dtypes: [inputs[0]?.dtype] },
      name,
    )[0]!;
  }
  /** Slices `[starts, ends)` along `axes` (default all) with `steps` (default 1). */
  slice(
    x: Value,
    starts: Int64Input,
    ends: Int64Input,
    axes?: Int64Input,
    steps?: Int64Input,
    name?: string,
  ): Value {
    const node = this.nodeName('Slice', name);
    const inputs = [
      x,
      this.int64Input(starts, node, 'starts'),
      this.int64Input(ends, node, 'ends'),
      this.int64Input(axes, node, 'axes'),
      this.int64Input(steps, node, 'steps'),
    ];
    return this.emit(node, 'Slice', inputs, { dtypes: [x.dtype] })[0]!;
  }
  /**
   * Splits along `axis` into parts of the given sizes (`split`), or into `numOutputs` equal parts.
   * Outputs are named `<node>.0`, `<node>.1`, ...
   */
  split(x: Value, axis: number, parts: Int64Input | { readonly numOutputs: number }, name?: string): Value[] {
    const node = this.nodeName('Split', name);
    if ('numOutputs' in parts) {
      const n = parts.numOutputs;
      if (!Number.isSafeInteger(n) || n < 1)
        throw new RangeError(`'numOutputs' must be an integer >= 1, got ${n}`);
      const outputs = Array.from({ length: n }, (_, i) => String(i));
      const attributes = [attr.int('axis', axis), attr.int('num_outputs', n)];
      return this.emit(node, 'Split', [x], { attributes, outputs, dtypes: outputs.map(() => x.dtype) });
    }
    const count = Array.isArray(parts) ? parts.length : undefined;
    if (count === undefined)
      throw new TypeError('split sizes given as a Value need { numOutputs } instead, or an array');
    const outputs = Array.from({ length: count }, (_, i) => String(i));
    return this.emit(node, 'Split', [x, this.int64Input(parts as readonly number[], node, 'split')], {
      attributes: [attr.int('axis', axis)],
      outputs,
      dtypes: outputs.map(() => x.dtype),
    });
  }
  /** Removes size-1 dims at `axes` (all size-1 dims when omitted). */
  squeeze(x: Value, axes?: Int64Input, name?: string): Value {
    const node = this.nodeName('Squeeze', name);
    return this.emit(node, 'Squeeze', [x, this.int64Input(axes, node, 'axes')], { dtypes: [x.dtype] })[0]!;
  }
  /** Inserts size-1 dims at `axes`. */
  unsqueeze(x: Value, axes: Int64Input, name?: string): Value {
    const node = this.nodeName('Unsqueeze', name);
    return this.emit(node, 'Unsqueeze', [x, this.int64Input(axes, node, 'axes')], { dtypes: [x.dtype] })[0]!;
  }
  /** Gathers slices of `data` along `axis` (default 0) at `indices` (embedding lookup). */
  gather(data: Value, indices: Value, axis = 0, name?: string): Value {
    return this.op(
      'Gather',
      [data, indices],
      { attributes: [attr.int('axis', axis)], dtypes: [data.dtype] },
      name,
    )[0]!;
  }
  /** Gathers single elements along `axis`; `indices` has the output's shape. */
  gatherElements(data: Value, indices: Value, axis = 0, name?: string): Value {
    const attributes = [attr.int('axis', axis)];
    return this.op('GatherElements', [data, indices], { attributes, dtypes: [data.dtype] }, name)[0]!;
  }
  /** Writes `updates` into a copy of `data` at `indices` (last index dim addresses leading data dims). */
  scatterND(
    data: Value,
    indices: Value,
    updates: Value,
    attributes: { readonly reduction?: 'none' | 'add' | 'mul' | 'max' | 'min' } = {},
    name?: string,
  ): Value {
    const list = [
      attributes.reduction === undefined ? undefined : attr.string('reduction', attributes.reduction),
    ];
    return this.op(
      'ScatterND',
      [data, indices, updates],
      { attributes: list, dtypes: [data.dtype] },
      name,
    )[0]!;
  }
  /** Broadcasts `x` to `shape`. */
  expand(x: Value, shape: Int64Input, name?: string): Value {
    const node = this.nodeName('Expand', name);
    return this.emit(node, 'Expand', [x, this.int64Input(shape, node, 'shape')], { dtypes: [x.dtype] })[0]!;
  }
  /** The shape of `x` as an int64 1-D tensor, optionally the dims `[start, end)`. */
  shape(x: Value, attributes: { readonly start?: number; readonly end?: number } = {}, name?: string): Value {
    const list = [optInt('start', attributes.start), optInt('end', attributes.end)];
    return this.op('Shape', [x], { attributes: list, dtypes: ['int64'] }, name)[0]!;
  }
  /** `[start, start + delta, ...)` up to `limit` (scalar inputs of one type). */
  range(start: Value, limit: Value, delta: Value, name?: string): Value {
    return this.op('Range', [start, limit, delta], { dtypes: [start.dtype] }, name)[0]!;
  }
  /** A tensor of `shape` filled with the one-element `value` (default float32 0). */
  constantOfShape(shape: Int64Input, value?: TensorValue, name?: string): Value {
    const node = this.nodeName('ConstantOfShape', name);
    const list = [value === undefined ? undefined : attr.tensor('value', value)];
    return this.emit(node, 'ConstantOfShape', [this.int64Input(shape, node, 'shape')], {
      attributes: list,
      dtypes: [value?.dtype ?? 'float32'],
    })[0]!;
  }

  //#endregion
}
