/**
 * Conv2DBackpropFilter for the wasm backend, which does not register one (so model.fit fails on
 * wasm without it). For a stride-1 convolution
 *   dW[kh,kw,ci,co] = Σ_{n,h,w} x[n, h+kh-padTop, w+kw-padLeft, ci] · dy[n,h,w,co]
 * which is one matrix product colsᵀ · dy, where colsᵀ [kh·kw·ci, n·h·w] is x unfolded into its
 * shifted copies (im2col, copied row by row into the wasm heap) and dy is read as
 * [n·h·w, co]. The product's [kh·kw·ci, co] layout is already the filter's [kh,kw,ci,co], so no
 * transpose is needed. (Swapping roles to run it as a Conv2D with dy as the filter also works,
 * but XNNPACK then repacks a new, large "filter" every step; measured slower.)
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { free, requireUnitStrideAndDilation, runWasmKernel, transpose } from './wasm-ops.js';

function conv2DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  attrs: Conv2DBackpropFilterAttrs;
  backend: BackendWasm;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  requireUnitStrideAndDilation('Conv2DBackpropFilter', [info.strideHeight, info.strideWidth], [1, 1]);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;

  const rows = filterHeight * filterWidth * inChannels;
  const cols = batchSize * outHeight * outWidth;
  // x with channels first ([ci, n, h, w], an XNNPACK transpose) makes every colsᵀ row a series of
  // contiguous, shifted copies of x rows instead of a strided gather.
  const xT = transpose(backend, x, [3, 0, 1, 2]);
  const colsInfo = backend.makeOutput([1, rows, cols], 'float32');
  const colsT = backend.typedArrayFromHeap(colsInfo) as Float32Array;
  const xv = backend.typedArrayFromHeap(xT) as Float32Array;
  const plane = batchSize * inHeight * inWidth;
  let r = 0;
  for (let fh = 0; fh < filterHeight; fh++)
    for (let fw = 0; fw < filterWidth; fw++) {
      // Output columns [lo, hi) read input columns [lo+shift, hi+shift); the rest is padding.
      const shift = fw - left;
      const lo = Math.max(0, -shift);
      const hi = Math.min(outWidth, inWidth - shift);
      for (let ci = 0; ci < inChannels; ci++, r++) {
        let j = r * cols;
        for (let n = 0; n < batchSize; n++)
          for (let oh = 0; oh < outHeight; oh++, j += outWidth) {
            const h = oh + fh - top;
            if (h < 0 || h >= inHeight || hi <= lo) {
              colsT.fill(0, j, j + outWidth);
              continue;
            }
            const src = ci * plane + (n * inHeight + h) * inWidth;
            if (lo > 0) colsT.fill(0, j, j + lo);
            colsT.set(xv.subarray(src + lo + shift, src + hi + shift), j + lo);
            if (hi < outWidth) colsT.fill(0, j + hi, j + outWidth);
          }
      }
    }
  free(backend, xT);

  const dyAsMatrix: TensorInfo = { dataId: dy.dataId, shape: [1, cols, outChannels], dtype: 'float32' };
  const product = runWasmKernel(
    backend,
    'BatchMatMul',
    { a: colsInfo, b: dyAsMatrix },
    { transposeA: false, transposeB: false },
  );
  free(backend, colsInfo);
  // [1, kh·kw·ci, co] and [kh, kw, ci, co] are the same bytes; only the shape changes.
  return { dataId: product.dataId, shape: filterShape, dtype: 'float32' };
}

export const wasmConv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
