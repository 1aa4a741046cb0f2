/**
 * Installs HolterFlow's training kernels into the wasm backend, replacing its own where one
 * exists. Call after '@tensorflow/tfjs-backend-wasm' is imported (its import registers its
 * kernels) and before or after tf.setBackend('wasm'); calling twice is harmless.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { createWasmEqualConfig } from './broadcast-equal.js';
import { wasmConv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { wasmConv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { wasmMaxPoolGradConfig } from './max-pool-grad.js';

let installed: KernelConfig[] | undefined;

function install(config: KernelConfig): void {
  if (getKernel(config.kernelName, 'wasm')) unregisterKernel(config.kernelName, 'wasm');
  registerKernel(config);
}

/** The kernels now registered for wasm by this module (their names, for logs and tests). */
export function registerWasmTrainingKernels(): string[] {
  if (!installed) {
    const wasmEqual = getKernel('Equal', 'wasm');
    if (!wasmEqual) throw new Error('import @tensorflow/tfjs-backend-wasm before registering kernels');
    installed = [
      wasmConv2DBackpropFilterConfig,
      wasmConv2DBackpropInputConfig,
      wasmMaxPoolGradConfig,
      createWasmEqualConfig(wasmEqual),
    ];
    installed.forEach(install);
  }
  return installed.map((k) => k.kernelName);
}
