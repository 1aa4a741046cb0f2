/**
 * @holterflow/model — the seed CNN, its TensorFlow.js backend, training and batched inference.
 *
 * Start-up (once per process):
 *   const backend = await initBackend();            // tfjs-node-gpu > tfjs-node > wasm > cpu;
 *                                                   // { prefer } forces one; report `backend` on /admin/workers
 * Training (the loop, its optimiser and data-parallel threads live in libs/training):
 *   const model = buildSeedCnn({ seed });           // 52,357 parameters, dropout 0.5; NB a seeded tfjs Dropout
 *                                                   // draws the same mask every call: reseed it per step
 *   model.fit also works on every backend (the wasm gradient kernels are registered by initBackend).
 * Saving / loading a version (model.json + weights.bin under a prefix):
 *   await saveModel(model, objectStore, keys.modelPrefix(version), { version, ...metrics });
 *   const { model } = await loadModel(objectStore, prefix);       // or directoryStore('models')
 * Inference (workers):
 *   const classifier = await BeatClassifier.create(model);       // onnxruntime-node on CPU, tfjs on GPU;
 *                                                                 // { engine: 'onnx' | 'tfjs' } forces one
 *   const probs = await classifier.predict(beats, n);            // n×187 in → n×5 (N,S,V,F,Q) out
 */
export * from './architecture.js';
export * from './backend.js';
export * from './kernels/register.js';
export * from './onnx/export.js';
export * from './io.js';
export * from './classifier.js';
export * from './inference/engine.js';
export * from './inference/onnx-engine.js';
export * from './inference/tfjs-engine.js';
export * from './rhythm/mlp.js';
export * from './rhythm/input.js';
export * from './rhythm/ensemble.js';
export * from './rhythm/model-file.js';
export * from './rhythm/rhythm-classifier.js';
