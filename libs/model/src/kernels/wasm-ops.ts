/**
 * Calls of the wasm backend's own kernels from inside our kernels. A kernel function receives
 * TensorInfos (no Tensor objects, no tape), so composite kernels call the registered wasm kernel
 * functions directly and free their intermediates themselves.
 */
import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export function runWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap,
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no ${kernelName} kernel`);
  const out = kernel.kernelFunc({ inputs, attrs, backend });
  if (Array.isArray(out)) throw new Error(`${kernelName} returned ${out.length} outputs, expected one`);
  return out;
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel(backend, 'Transpose', { x }, { perm });
}

export function free(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** Our composite kernels only cover what the seed CNN needs; anything else must say so. */
export function requireUnitStrideAndDilation(kernel: string, strides: number[], dilations: number[]): void {
  if (strides.some((s) => s !== 1) || dilations.some((d) => d !== 1))
    throw new Error(`${kernel} on wasm (holterflow kernels) supports stride 1 and dilation 1 only`);
}
