/** Messages between ParallelTrainer (main thread) and its train workers. */
import type { BackendPreference } from '../backend.js';
import type { TrainBatch } from './loss.js';

export type ToWorker =
  | {
      type: 'init';
      weights: Float32Array[];
      learningRate: number;
      dropout: number;
      backend: BackendPreference;
    }
  /** Apply the previous step's averaged gradients (if any), then compute this shard's. */
  | { type: 'step'; apply?: Float32Array[]; batch: TrainBatch }
  | { type: 'apply'; grads: Float32Array[] }
  | { type: 'weights' }
  | { type: 'learningRate'; value: number };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'grads'; loss: number; grads: Float32Array[] }
  | { type: 'applied' }
  | { type: 'weights'; weights: Float32Array[] }
  | { type: 'error'; message: string };
