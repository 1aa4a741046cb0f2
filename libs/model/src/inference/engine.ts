/** What BeatClassifier needs from an inference engine, whichever runtime is behind it. */
export interface EngineInfo {
  /** 'onnx' (onnxruntime-node, native CPU kernels) or 'tfjs' (the current TensorFlow.js backend). */
  engine: 'onnx' | 'tfjs';
  /** The runtime underneath: 'onnxruntime-node cpu' or tfjs's backend name (wasm, tensorflow, cpu). */
  runtime: string;
  /** Threads one predict call may use. */
  threads: number;
}

export interface InferenceEngine {
  readonly info: EngineInfo;
  /** `beats` holds n beats of BEAT_LENGTH samples back to back; returns n×NUM_CLASSES probabilities. */
  predict(beats: Float32Array, n: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}
