/**
 * Inference over beats held in one Float32Array, one tensor per chunk (the whole SMOTE set as
 * one tensor would be 290k × 187 floats on the backend at once, for nothing).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BEAT_WIDTH, CLASS_COUNT, type LabelledBeats } from './beats.js';

/** Keras's epsilon: probabilities are clipped to [ε, 1 − ε] before the log, as model.fit does. */
export const LOSS_EPSILON = 1e-7;

/** Softmax outputs, beat i's five probabilities at [i*5, i*5+5). */
export async function predictProbabilities(
  model: tfl.LayersModel,
  x: Float32Array,
  chunk = 512,
): Promise<Float32Array> {
  const n = x.length / BEAT_WIDTH;
  const out = new Float32Array(n * CLASS_COUNT);
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const probs = tf.tidy(() =>
      model.predict(
        tf.tensor3d(x.subarray(start * BEAT_WIDTH, (start + size) * BEAT_WIDTH), [size, BEAT_WIDTH, 1]),
      ),
    ) as tf.Tensor;
    out.set((await probs.data()) as Float32Array, start * CLASS_COUNT);
    probs.dispose();
  }
  return out;
}

/** The most probable class per beat (first on ties, like argmax). */
export function argmaxClasses(probs: Float32Array): Int32Array {
  const n = probs.length / CLASS_COUNT;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < CLASS_COUNT; c++)
      if (probs[i * CLASS_COUNT + c] > probs[i * CLASS_COUNT + best]) best = c;
    out[i] = best;
  }
  return out;
}

export interface LossAndAccuracy {
  loss: number;
  accuracy: number;
}

/** Mean sparse categorical cross-entropy and accuracy of `model` on `beats` (inference mode). */
export async function evaluateBeats(model: tfl.LayersModel, beats: LabelledBeats): Promise<LossAndAccuracy> {
  const probs = await predictProbabilities(model, beats.x);
  const n = beats.labels.length;
  let loss = 0;
  let correct = 0;
  const predicted = argmaxClasses(probs);
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(probs[i * CLASS_COUNT + beats.labels[i]], LOSS_EPSILON), 1 - LOSS_EPSILON);
    loss -= Math.log(p);
    if (predicted[i] === beats.labels[i]) correct++;
  }
  return { loss: loss / n, accuracy: correct / n };
}
