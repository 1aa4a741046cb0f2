/**
 * Inference on whichever TensorFlow.js backend initBackend chose — the GPU path (tfjs-node-gpu)
 * and the portable fallback (wasm). Batches are cut so one tensor stays a few MB.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BEAT_LENGTH, NUM_CLASSES } from '../architecture.js';
import type { EngineInfo, InferenceEngine } from './engine.js';

export class TfjsEngine implements InferenceEngine {
  readonly info: EngineInfo;

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly batchSize = 1024,
  ) {
    this.info = { engine: 'tfjs', runtime: tf.getBackend(), threads: 1 };
  }

  async predict(beats: Float32Array, n: number): Promise<Float32Array> {
    const out = new Float32Array(n * NUM_CLASSES);
    for (let start = 0; start < n; start += this.batchSize) {
      const count = Math.min(this.batchSize, n - start);
      const probs = tf.tidy(() => {
        const x = tf.tensor3d(beats.subarray(start * BEAT_LENGTH, (start + count) * BEAT_LENGTH), [
          count,
          BEAT_LENGTH,
          1,
        ]);
        return this.model.predict(x) as tf.Tensor;
      });
      out.set((await probs.data()) as Float32Array, start * NUM_CLASSES);
      probs.dispose();
    }
    return out;
  }

  async dispose(): Promise<void> {
    // The model belongs to the caller; nothing of ours outlives predict().
  }
}
