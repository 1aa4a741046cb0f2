export * from './architecture.js';
export * from './backend.js';
export * from './kernels/register.js';
export * from './onnx/export.js';
