import * as tf from '@tensorflow/tfjs-core';
import { BEAT_LENGTH, NUM_CLASSES } from '../architecture.js';

/** Keras's epsilon: probabilities are clipped to [ε, 1-ε] before the log, as in model.fit. */
const EPSILON = 1e-7;

/** Mean sparse categorical cross-entropy of softmax outputs `probs` [n,5] against `labels` [n]. */
export function sparseCategoricalCrossEntropy(probs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(probs, tf.oneHot(labels, NUM_CLASSES)), 1);
    return tf.neg(tf.mean(tf.log(tf.clipByValue(picked, EPSILON, 1 - EPSILON)))) as tf.Scalar;
  });
}

/** One training batch: n beats of 187 samples back to back and their class indices (0..4). */
export interface TrainBatch {
  beats: Float32Array;
  labels: Int32Array;
  n: number;
}

export function assertBatch(batch: TrainBatch): void {
  const { beats, labels, n } = batch;
  if (!Number.isInteger(n) || n <= 0 || beats.length !== n * BEAT_LENGTH || labels.length !== n)
    throw new Error(`a training batch needs n > 0 beats of ${BEAT_LENGTH} samples and n labels (n=${n})`);
  for (const label of labels)
    if (!(label >= 0 && label < NUM_CLASSES))
      throw new Error(`class index ${label} is outside 0..${NUM_CLASSES - 1}`);
}

export function batchTensors(batch: TrainBatch): { x: tf.Tensor3D; y: tf.Tensor1D } {
  return {
    x: tf.tensor3d(batch.beats, [batch.n, BEAT_LENGTH, 1]),
    y: tf.tensor1d(batch.labels, 'int32'),
  };
}
