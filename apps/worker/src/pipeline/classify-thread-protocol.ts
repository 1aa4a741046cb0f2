/** Messages between the classify processor and its compute threads (classify-thread.ts). */
import type { InferenceEnginePreference, TfBackendPreference } from '@holterflow/contracts';
import type { WindowInput, WindowOutput } from './classify-window.js';

/** The thread's settings (its workerData), from the worker's configuration. */
export interface ClassifyThreadSettings {
  tfBackend: TfBackendPreference;
  inferenceEngine: InferenceEnginePreference;
}

/** A model version's files as saved by libs/model saveModel (model.json + weights.bin). */
export interface ModelFiles {
  version: string;
  modelJson: Uint8Array;
  weights: Uint8Array;
  /** Seconds of beats a beat's features need on each side (0 for the seed CNN): the classify
   * job reads that much more than the run's detection margin. */
  contextSeconds: number;
}

export type ToClassifyThread =
  { type: 'load'; model: ModelFiles } | { type: 'classify'; modelVersion: string; input: WindowInput };

export type FromClassifyThread =
  | { type: 'loaded'; version: string; engine: string }
  | { type: 'classified'; output: WindowOutput }
  | { type: 'error'; message: string };
