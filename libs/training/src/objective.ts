/**
 * The seed's training objective for one batch: mean sparse categorical cross-entropy of the
 * softmax outputs (clipped to [ε, 1 − ε] before the log, as Keras's model.fit), plus the number
 * of beats the batch got right. One definition, used by the training loop's own thread and by
 * every data-parallel gradient worker, so all of them optimise exactly the same thing.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BEAT_WIDTH, CLASS_COUNT } from './beats.js';
import { LOSS_EPSILON } from './predict.js';

export interface BatchObjective {
  /** Mean loss over the batch; what the gradients are taken of. */
  loss: tf.Scalar;
  /** Correct predictions in the batch (int32), kept out of any tidy: the caller disposes it. */
  correct: tf.Scalar;
}

/**
 * Forward pass in training mode (dropout on) over `size` beats of `x` with labels `y`.
 * Call it inside tf.variableGrads: `correct` is tf.keep'd so it outlives the gradient tape.
 */
export function batchObjective(
  model: tfl.LayersModel,
  x: Float32Array,
  y: Int32Array,
  size: number,
): BatchObjective {
  const xs = tf.tensor3d(x.subarray(0, size * BEAT_WIDTH), [size, BEAT_WIDTH, 1]);
  const ys = tf.tensor1d(y.subarray(0, size), 'int32');
  const probs = model.apply(xs, { training: true }) as tf.Tensor;
  const correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), ys), 'int32'))) as tf.Scalar;
  const picked = tf.sum(tf.mul(probs, tf.oneHot(ys, CLASS_COUNT)), 1);
  const loss = tf.neg(tf.mean(tf.log(tf.clipByValue(picked, LOSS_EPSILON, 1 - LOSS_EPSILON)))) as tf.Scalar;
  return { loss, correct };
}

/** The model's Dropout layers, whose seeds the loop sets before every step (loop.ts says why). */
export function dropoutLayers(model: tfl.LayersModel): { seed?: number }[] {
  return model.layers.filter((l) => l.getClassName() === 'Dropout') as unknown as { seed?: number }[];
}
