/**
 * The rhythm model's input vector for one beat — the one definition, used by the dataset side of
 * training and by the classify workers (both get the per-beat features from libs/ecg
 * rhythmFeatures): the beat's difference from the patient's template (and, if the spec says so,
 * the cut itself), taken every `beatStride`-th sample, then the scalar rhythm features.
 * Why the difference and not the cut alone: a cut's shape is mostly who the patient is, which a
 * model cannot know for a new patient; its difference from the patient's own dominant beat is
 * what an ectopic beat changes (measured: models on the cut alone overfit the training patients).
 */
import { BEAT_LENGTH } from '../architecture.js';

export interface RhythmInputSpec {
  /** Take every beatStride-th sample of the 187-sample cut (2: 94 samples, 16 ms apart). */
  beatStride: number;
  /** Which morphology goes in before the scalars: none, the difference from the template, or
   * the cut and the difference. */
  morphology: 'none' | 'difference' | 'cut+difference';
  /** Number of scalar rhythm features per beat (libs/ecg RHYTHM_SCALAR_FEATURES). */
  scalarCount: number;
}

export function beatPoints(spec: RhythmInputSpec): number {
  return spec.morphology === 'none' ? 0 : Math.ceil(BEAT_LENGTH / spec.beatStride);
}

export function rhythmInputWidth(spec: RhythmInputSpec): number {
  return (spec.morphology === 'cut+difference' ? 2 : 1) * beatPoints(spec) + spec.scalarCount;
}

export interface RhythmBeats {
  /** n × 187 cuts (libs/ecg segmentBeats). */
  x: Float32Array;
  /** n × 187 patient templates (libs/ecg rhythmFeatures). */
  template: Float32Array;
  /** n × scalarCount (libs/ecg rhythmFeatures). */
  scalars: Float32Array;
}

/** Raw (unstandardised) input rows for n beats: n × rhythmInputWidth(spec). */
export function assembleRhythmInput(spec: RhythmInputSpec, beats: RhythmBeats, n: number): Float32Array {
  const points = beatPoints(spec);
  const width = rhythmInputWidth(spec);
  if (beats.x.length !== n * BEAT_LENGTH || beats.template.length !== n * BEAT_LENGTH)
    throw new RangeError(`expected ${n} beats of ${BEAT_LENGTH} samples and their templates`);
  if (beats.scalars.length !== n * spec.scalarCount)
    throw new RangeError(`expected ${n} × ${spec.scalarCount} rhythm scalars, got ${beats.scalars.length}`);
  const out = new Float32Array(n * width);
  for (let b = 0; b < n; b++) {
    const src = b * BEAT_LENGTH;
    let at = b * width;
    if (spec.morphology === 'cut+difference')
      for (let p = 0; p < points; p++) out[at++] = beats.x[src + p * spec.beatStride];
    for (let p = 0; p < points; p++) {
      const k = src + p * spec.beatStride;
      out[at++] = beats.x[k] - beats.template[k];
    }
    out.set(beats.scalars.subarray(b * spec.scalarCount, (b + 1) * spec.scalarCount), at);
  }
  return out;
}
