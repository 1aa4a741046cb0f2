/**
 * The trainer interface libs/training drives, and its single-thread implementation. A step is
 * Adam on the sparse categorical cross-entropy of one batch (the seed's loss and optimiser).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainBatch } from './loss.js';
import { GradientStepper } from './step.js';

export interface Trainer {
  /** One optimiser step on the batch; resolves to the batch's mean loss before the update. */
  trainStep(batch: TrainBatch): Promise<number>;
  readonly learningRate: number;
  setLearningRate(value: number): Promise<void>;
  /** The trained weights in model.trainableWeights order (for early-stopping snapshots and saving). */
  weights(): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** Trains `model` in place on the current tfjs backend (one wasm instance = one core). */
export class LocalTrainer implements Trainer {
  private readonly stepper: GradientStepper;

  constructor(model: tfl.LayersModel, learningRate = 1e-3) {
    this.stepper = new GradientStepper(model, learningRate);
  }

  trainStep(batch: TrainBatch): Promise<number> {
    return this.stepper.step(batch);
  }

  get learningRate(): number {
    return this.stepper.learningRate;
  }

  async setLearningRate(value: number): Promise<void> {
    this.stepper.learningRate = value;
  }

  async weights(): Promise<Float32Array[]> {
    return this.stepper.weights();
  }

  async close(): Promise<void> {}
}

/** Copies trainer weights into a model (e.g. the main thread's copy after ParallelTrainer). */
export function setTrainableWeights(model: tfl.LayersModel, weights: Float32Array[]): void {
  model.trainableWeights.forEach((w, i) => w.write(tf.tensor(weights[i], w.shape as number[])));
}
