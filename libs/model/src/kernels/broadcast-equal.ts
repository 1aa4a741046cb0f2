/**
 * Equal for the wasm backend with a fast broadcasting path. The GlobalMaxPool gradient (tfjs's
 * Max gradient) is `dy · (x == broadcast(max))`, and the wasm backend's generic broadcasting
 * loop made that one Equal the largest kernel of a training step. Equal shapes still go to the
 * wasm kernel; broadcasts run here as a strided loop on the wasm heap.
 */
import {
  backend_util,
  Equal,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Element strides of `shape` read as `outShape` (0 along broadcast axes), right-aligned. */
function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const own = util.computeStrides(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, axis) => {
    const a = axis - offset;
    if (a < 0 || shape[a] === 1) return 0;
    return a === shape.length - 1 ? 1 : own[a];
  });
}

export function createWasmEqualConfig(wasmEqual: KernelConfig): KernelConfig {
  function equal(args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: BackendWasm }): TensorInfo {
    const { inputs, backend } = args;
    const { a, b } = inputs;
    if (util.arraysEqual(a.shape, b.shape) || a.dtype !== b.dtype)
      return wasmEqual.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;

    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const outInfo = backend.makeOutput(outShape, 'bool');
    const out = backend.typedArrayFromHeap(outInfo) as Uint8Array;
    const av = backend.typedArrayFromHeap(a);
    const bv = backend.typedArrayFromHeap(b);
    const aStrides = broadcastStrides(a.shape, outShape);
    const bStrides = broadcastStrides(b.shape, outShape);
    const rank = outShape.length;
    const inner = outShape[rank - 1];
    const aInner = aStrides[rank - 1];
    const bInner = bStrides[rank - 1];
    const index = new Array<number>(rank).fill(0);
    let ai = 0;
    let bi = 0;
    // A tight loop along the last axis; an odometer over the outer axes (carries rewind offsets).
    for (let o = 0; o < out.length; o += inner) {
      for (let k = 0, pa = ai, pb = bi; k < inner; k++, pa += aInner, pb += bInner)
        out[o + k] = av[pa] === bv[pb] ? 1 : 0;
      for (let axis = rank - 2; axis >= 0; axis--) {
        index[axis]++;
        ai += aStrides[axis];
        bi += bStrides[axis];
        if (index[axis] < outShape[axis]) break;
        ai -= aStrides[axis] * outShape[axis];
        bi -= bStrides[axis] * outShape[axis];
        index[axis] = 0;
      }
    }
    return outInfo;
  }
  return {
    kernelName: Equal,
    backendName: 'wasm',
    // The wasm kernel binds its C++ function in its setup; keep that working for equal shapes.
    setupFunc: wasmEqual.setupFunc,
    kernelFunc: equal as unknown as KernelFunc,
  };
}
