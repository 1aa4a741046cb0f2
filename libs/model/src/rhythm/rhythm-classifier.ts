/**
 * Per-beat class probabilities from a rhythm model: the beats' cuts and their libs/ecg rhythm
 * features in, n × 5 (N, S, V, F, Q) out. Pure TypeScript on the calling thread (mlp.ts says why).
 */
import { assembleRhythmInput, type RhythmBeats } from './input.js';
import { predictMlp } from './mlp.js';
import type { RhythmModel } from './model-file.js';

export class RhythmClassifier {
  constructor(readonly model: RhythmModel) {}

  /** Seconds of beats on each side of a beat its features need. */
  get contextSeconds(): number {
    return this.model.description.contextSeconds;
  }

  predict(beats: RhythmBeats, n: number): Float32Array {
    return this.predictRows(assembleRhythmInput(this.model.description.input, beats, n), n);
  }

  /** From input rows already assembled (libs/training's dataset path). */
  predictRows(rows: Float32Array, n: number): Float32Array {
    return predictMlp(this.model.parameters, rows, n);
  }
}
