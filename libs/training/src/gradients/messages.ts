/** Messages between the training loop's ShardedSteps (main thread) and its gradient threads. */
import type { BackendPreference } from '@holterflow/model';

export type ToGradientThread =
  | {
      type: 'init';
      /** model.toJSON(): the thread builds the same architecture, whatever it is. */
      topology: object;
      backend: BackendPreference;
    }
  | {
      type: 'gradients';
      /** The model's trainable weights at this step, in trainableWeights order. */
      weights: Float32Array[];
      x: Float32Array;
      y: Int32Array;
      size: number;
      /** One seed per Dropout layer, in layer order. */
      dropoutSeeds: number[];
    };

export type FromGradientThread =
  | { type: 'ready'; backend: string }
  | { type: 'gradients'; loss: number; correct: number; grads: Float32Array[] }
  | { type: 'error'; message: string };
