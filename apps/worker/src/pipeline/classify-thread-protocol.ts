/** Messages between the classify processor and its compute threads (classify-thread.ts). */
import type { WindowInput, WindowOutput } from './classify-window.js';

/** A model version's files as saved by libs/model saveModel (model.json + weights.bin). */
export interface ModelFiles {
  version: string;
  modelJson: Uint8Array;
  weights: Uint8Array;
}

export type ToClassifyThread =
  { type: 'load'; model: ModelFiles } | { type: 'classify'; modelVersion: string; input: WindowInput };

export type FromClassifyThread =
  | { type: 'loaded'; version: string; engine: string }
  | { type: 'classified'; output: WindowOutput }
  | { type: 'error'; message: string };
