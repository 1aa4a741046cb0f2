/**
 * Exports the seed CNN (architecture.ts) to an ONNX model, so onnxruntime-node's native CPU
 * kernels can run it (tfjs-wasm reaches about half of PyTorch's per-core speed; ORT's MLAS
 * kernels match it). Written for THIS architecture only: every layer is looked up by its name
 * in buildSeedCnn and its weights transposed to ONNX's layouts, so a changed architecture fails
 * loudly here instead of exporting something wrong.
 *
 * Graph (opset 13): beats [batch,187] → Reshape [batch,1,187] → (Conv → Relu → MaxPool) ×2 →
 * Conv → Relu → GlobalMaxPool → Flatten → Gemm → Relu → Gemm → Softmax → probs [batch,5].
 * Dropout is the identity at inference and is left out.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { BEAT_LENGTH, NUM_CLASSES } from '../architecture.js';
import { ProtoWriter } from './protobuf.js';

export const ONNX_INPUT_NAME = 'beats';
export const ONNX_OUTPUT_NAME = 'probs';

// onnx.proto enums (TensorProto.DataType, AttributeProto.AttributeType).
const DT_FLOAT = 1;
const DT_INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;
/** IR version 7 goes with opset 13; any onnxruntime since 1.7 loads it. */
const IR_VERSION = 7;
const OPSET = 13;

interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
}

function layerWeights(model: tfl.LayersModel, name: string): Float32Array[] {
  return model
    .getLayer(name)
    .getWeights()
    .map((w) => w.dataSync() as Float32Array);
}

/** tfjs Conv1D kernel [k, in, out] → ONNX Conv weight [out, in, k]. */
function convKernel(kernel: Float32Array, k: number, inC: number, outC: number): Float32Array {
  if (kernel.length !== k * inC * outC)
    throw new Error(`conv kernel has ${kernel.length} values, expected ${k * inC * outC}`);
  const out = new Float32Array(kernel.length);
  for (let o = 0; o < outC; o++)
    for (let i = 0; i < inC; i++)
      for (let t = 0; t < k; t++) out[(o * inC + i) * k + t] = kernel[(t * inC + i) * outC + o];
  return out;
}

function encodeTensor(w: ProtoWriter, t: Initializer): void {
  w.ints(1, t.dims);
  w.int(2, t.data instanceof BigInt64Array ? DT_INT64 : DT_FLOAT);
  w.string(8, t.name);
  // raw_data is little-endian by the ONNX spec, which is what typed arrays are on x64/arm64.
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function encodeValueInfo(w: ProtoWriter, name: string, dims: (number | string)[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DT_FLOAT);
      tensor.message(2, (shape) => {
        for (const d of dims)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function encodeNode(w: ProtoWriter, node: Node, index: number): void {
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  w.string(3, `${node.op.toLowerCase()}_${index}`);
  w.string(4, node.op);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    w.message(5, (a) => {
      a.string(1, name);
      if (Array.isArray(value)) a.ints(8, value).int(20, ATTR_INTS);
      else a.int(3, value).int(20, ATTR_INT);
    });
  }
}

/** The seed CNN's trained weights as a self-contained ONNX model (bytes of a .onnx file). */
export function exportSeedCnnToOnnx(model: tfl.LayersModel): Uint8Array {
  const initializers: Initializer[] = [
    { name: 'input_shape', dims: [3], data: BigInt64Array.from([-1n, 1n, BigInt(BEAT_LENGTH)]) },
  ];
  const nodes: Node[] = [{ op: 'Reshape', inputs: [ONNX_INPUT_NAME, 'input_shape'], outputs: ['x0'] }];

  const convs = [
    { name: 'conv1', k: 5, inC: 1, outC: 32, pool: true },
    { name: 'conv2', k: 5, inC: 32, outC: 64, pool: true },
    { name: 'conv3', k: 3, inC: 64, outC: 128, pool: false },
  ];
  let x = 'x0';
  for (const c of convs) {
    const [kernel, bias] = layerWeights(model, c.name);
    initializers.push({
      name: `${c.name}_w`,
      dims: [c.outC, c.inC, c.k],
      data: convKernel(kernel, c.k, c.inC, c.outC),
    });
    initializers.push({ name: `${c.name}_b`, dims: [c.outC], data: bias });
    // 'same' padding with an odd kernel is symmetric: (k-1)/2 on each side, as in tfjs.
    const pad = (c.k - 1) / 2;
    nodes.push({
      op: 'Conv',
      inputs: [x, `${c.name}_w`, `${c.name}_b`],
      outputs: [`${c.name}_out`],
      attributes: { kernel_shape: [c.k], pads: [pad, pad], strides: [1] },
    });
    nodes.push({ op: 'Relu', inputs: [`${c.name}_out`], outputs: [`${c.name}_relu`] });
    x = `${c.name}_relu`;
    if (c.pool) {
      // tfjs MaxPooling1D defaults to 'valid' padding: floor(len/2), the same as ONNX's default.
      nodes.push({
        op: 'MaxPool',
        inputs: [x],
        outputs: [`${c.name}_pool`],
        attributes: { kernel_shape: [2], strides: [2] },
      });
      x = `${c.name}_pool`;
    }
  }
  nodes.push({ op: 'GlobalMaxPool', inputs: [x], outputs: ['global_max'] });
  nodes.push({ op: 'Flatten', inputs: ['global_max'], outputs: ['features'], attributes: { axis: 1 } });

  const [denseW, denseB] = layerWeights(model, 'dense');
  const [probsW, probsB] = layerWeights(model, 'probs');
  // tfjs Dense kernels are [in, out], which is Gemm's B without transB.
  initializers.push({ name: 'dense_w', dims: [128, 128], data: denseW });
  initializers.push({ name: 'dense_b', dims: [128], data: denseB });
  initializers.push({ name: 'probs_w', dims: [128, NUM_CLASSES], data: probsW });
  initializers.push({ name: 'probs_b', dims: [NUM_CLASSES], data: probsB });
  nodes.push({ op: 'Gemm', inputs: ['features', 'dense_w', 'dense_b'], outputs: ['dense_out'] });
  nodes.push({ op: 'Relu', inputs: ['dense_out'], outputs: ['dense_relu'] });
  nodes.push({ op: 'Gemm', inputs: ['dense_relu', 'probs_w', 'probs_b'], outputs: ['logits'] });
  nodes.push({ op: 'Softmax', inputs: ['logits'], outputs: [ONNX_OUTPUT_NAME], attributes: { axis: 1 } });

  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, 'holterflow');
  w.message(7, (g) => {
    nodes.forEach((n, i) => g.message(1, (nw) => encodeNode(nw, n, i)));
    g.string(2, 'holterflow_seed_cnn');
    for (const t of initializers) g.message(5, (tw) => encodeTensor(tw, t));
    g.message(11, (v) => encodeValueInfo(v, ONNX_INPUT_NAME, ['batch', BEAT_LENGTH]));
    g.message(12, (v) => encodeValueInfo(v, ONNX_OUTPUT_NAME, ['batch', NUM_CLASSES]));
  });
  w.message(8, (o) => o.string(1, '').int(2, OPSET));
  return w.finish();
}
