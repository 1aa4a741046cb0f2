/**
 * The seed's optimiser (Adam, learning rate 1e-3 by default) over one model's trainable weights,
 * with the two halves of a step exposed separately so data-parallel workers can average
 * gradients between them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertBatch, batchTensors, sparseCategoricalCrossEntropy, type TrainBatch } from './loss.js';

export class GradientStepper {
  private readonly optimizer: tf.AdamOptimizer;
  private readonly variables: tf.Variable[];

  constructor(
    readonly model: tfl.LayersModel,
    learningRate = 1e-3,
  ) {
    this.optimizer = tf.train.adam(learningRate);
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  get learningRate(): number {
    return (this.optimizer as unknown as { learningRate: number }).learningRate;
  }

  /** For "halve on plateau": Adam reads its learning rate on every update. */
  set learningRate(value: number) {
    (this.optimizer as unknown as { learningRate: number }).learningRate = value;
  }

  private lossOf(batch: TrainBatch): () => tf.Scalar {
    return () => {
      const { x, y } = batchTensors(batch);
      return sparseCategoricalCrossEntropy(this.model.apply(x, { training: true }) as tf.Tensor, y);
    };
  }

  /** Forward, backward and Adam update on one batch; returns the batch's mean loss. */
  async step(batch: TrainBatch): Promise<number> {
    assertBatch(batch);
    const loss = this.optimizer.minimize(this.lossOf(batch), true, this.variables);
    const value = (await loss!.data())[0];
    loss!.dispose();
    return value;
  }

  /** The mean-loss gradient of every trainable weight, in trainableWeights order. */
  async gradients(batch: TrainBatch): Promise<{ loss: number; grads: Float32Array[] }> {
    assertBatch(batch);
    const { value, grads } = tf.variableGrads(this.lossOf(batch), this.variables);
    const ordered = this.variables.map((v) => grads[v.name]);
    const arrays = await Promise.all(ordered.map((g) => g.data() as Promise<Float32Array>));
    const loss = (await value.data())[0];
    tf.dispose([value, ...ordered]);
    return { loss, grads: arrays };
  }

  /** Adam update with gradients computed elsewhere (same order as gradients()). */
  apply(grads: Float32Array[]): void {
    tf.tidy(() => {
      const named = this.variables.map((v, i) => ({ name: v.name, tensor: tf.tensor(grads[i], v.shape) }));
      this.optimizer.applyGradients(named);
    });
  }

  weights(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array).map((a) => a.slice());
  }

  setWeights(weights: Float32Array[]): void {
    this.variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape)));
  }
}
