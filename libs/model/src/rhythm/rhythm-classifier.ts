/**
 * Per-beat class probabilities from a rhythm model: the beats' cuts and their libs/ecg rhythm
 * features in (the scalars already the model's own columns, model.json `scalarFeatures`), n × 5
 * (N, S, V, F, Q) out. Pure TypeScript on the calling thread (mlp.ts says why).
 */
import { predictEnsemble } from './ensemble.js';
import { assembleRhythmInput, type RhythmBeats } from './input.js';
import type { RhythmModel } from './model-file.js';

export class RhythmClassifier {
  constructor(readonly model: RhythmModel) {}

  /** The scalar features the model reads, by name, in its input's order. */
  get scalarFeatures(): readonly string[] {
    return this.model.description.scalarFeatures;
  }

  /** Seconds of beats on each side of a beat its features need. */
  get contextSeconds(): number {
    return this.model.description.contextSeconds;
  }

  predict(beats: RhythmBeats, n: number): Float32Array {
    return this.predictRows(assembleRhythmInput(this.model.description.input, beats, n), n);
  }

  /** From input rows already assembled (libs/training's dataset path). */
  predictRows(rows: Float32Array, n: number): Float32Array {
    const { classScale, scalarMembers, scalarWeight } = this.model.description;
    return predictEnsemble(this.model.members, rows, n, { classScale, scalarMembers, scalarWeight });
  }
}
