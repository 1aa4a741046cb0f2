/**
 * Rhythm-aware beat features: what a beat looks like *for this patient*, so a model trained on
 * other people can judge it. Published inter-patient results rest on the same two ideas
 * (de Chazal et al. 2004; Lin & Yang 2014; Mondéjar-Guerra et al. 2019):
 *  - RR intervals normalised by the patient's own baseline: a supraventricular beat is premature
 *    *for this heart* (its RR before is short against the local and the long-term rhythm), which a
 *    fixed threshold in milliseconds cannot say across patients at 50 and 110 bpm;
 *  - the beat's shape against the patient's own dominant beat: a ventricular beat differs from
 *    the regular beats around it, whatever this patient's normal QRS looks like.
 *
 * Both come from a context of ±RHYTHM_CONTEXT_SECONDS around each beat (centred, so a beat early
 * in a window sees the same context as in a whole-record pass). The baseline RR is the median RR
 * of the beats in the context; the dominant beat (template) is the mean cut of the context's
 * *regular* beats (RR before >= REGULAR_PREMATURITY × the local mean RR: premature beats, ectopic
 * ones among them, stay out), the beat itself excluded.
 *
 * Window invariance: a classify window computes these from the beats of its slice. With margins of
 * at least RHYTHM_CONTEXT_SECONDS beyond the owned range (plus the detector's own margin) it sees
 * exactly the beats a whole-record pass sees, and the results are bit-identical because nothing
 * depends on where a running computation started: the median is of a set, and the template sums
 * cuts quantised to integers (exact in any order) before one division.
 */
import { BEAT_LENGTH, type BeatTable } from './segment.js';

/** Half-width (s) of the context around each beat for the patient baseline and template. */
export const RHYTHM_CONTEXT_SECONDS = 150;
/** A beat is regular (a template candidate) when RR before >= this × the local mean RR. */
export const REGULAR_PREMATURITY = 0.9;
/** Cut samples are quantised to 1/QUANTUM before they are summed (exact integer sums). */
const QUANTUM = 1024;

/** Names of the scalar features, in their column order (config.json of a model lists them). */
export const RHYTHM_SCALAR_FEATURES = [
  'rr_prev_over_base',
  'rr_next_over_base',
  'rr_local_over_base',
  'rr_prev_over_local',
  'rr_next_over_local',
  'rr_prev_over_next',
  'rr_prev_s',
  'rr_base_s',
  'template_correlation',
  'template_rms_difference',
  'template_max_difference',
  'rr_prev_over_previous',
  'rr_irregularity',
] as const;
export const RHYTHM_SCALAR_COUNT = RHYTHM_SCALAR_FEATURES.length;
/** Bump whenever a feature's definition changes: datasets and models record it. */
export const RHYTHM_FEATURES_VERSION = 'holterflow-rhythm-1';

export interface RhythmFeatures {
  /** n × RHYTHM_SCALAR_COUNT, beat-major. */
  scalars: Float32Array;
  /** n × BEAT_LENGTH: each beat's patient template (mean regular cut of its context). */
  template: Float32Array;
}

/**
 * Features of beats [from, to) of `beats` (whose samples are record samples at `fs`); the other
 * beats of the table are context. A beat's context is every beat of the table within ±`context`
 * seconds, so the table must hold them (a window reads margins for it).
 */
export function rhythmFeatures(
  beats: BeatTable,
  fs: number,
  from = 0,
  to = beats.samples.length,
  contextSeconds = RHYTHM_CONTEXT_SECONDS,
): RhythmFeatures {
  const total = beats.samples.length;
  const n = Math.max(0, to - from);
  const scalars = new Float32Array(n * RHYTHM_SCALAR_COUNT);
  const template = new Float32Array(n * BEAT_LENGTH);
  if (n === 0) return { scalars, template };
  const half = Math.round(contextSeconds * fs);
  const { samples, x, rrPrevMs, rrNextMs, rrLocalMs } = beats;

  const regular = new Uint8Array(total);
  for (let j = 0; j < total; j++)
    regular[j] = rrPrevMs[j] > 0 && rrPrevMs[j] >= REGULAR_PREMATURITY * rrLocalMs[j] ? 1 : 0;

  // Sliding context [lo, hi) over beat indices; both ends only move forward.
  let lo = 0;
  let hi = 0;
  const sums = new Int32Array(BEAT_LENGTH);
  const allSums = new Int32Array(BEAT_LENGTH);
  let regularCount = 0;
  let count = 0;
  const sortedRr = new SortedValues(total);
  const add = (j: number, sign: 1 | -1) => {
    const base = j * BEAT_LENGTH;
    const reg = regular[j] === 1;
    for (let k = 0; k < BEAT_LENGTH; k++) {
      const q = sign * Math.round(x[base + k] * QUANTUM);
      allSums[k] += q;
      if (reg) sums[k] += q;
    }
    count += sign;
    if (reg) regularCount += sign;
    if (rrPrevMs[j] > 0) {
      if (sign > 0) sortedRr.insert(rrPrevMs[j]);
      else sortedRr.remove(rrPrevMs[j]);
    }
  };

  for (let b = from; b < to; b++) {
    const t = samples[b];
    while (hi < total && samples[hi] <= t + half) add(hi++, 1);
    while (lo < hi && samples[lo] < t - half) add(lo++, -1);
    const i = b - from;
    // Template: the context's regular beats without this one; all beats where none is regular;
    // the beat itself where it is alone (then it differs from nothing).
    const selfBase = b * BEAT_LENGTH;
    const selfRegular = regular[b] === 1;
    const useRegular = regularCount - (selfRegular ? 1 : 0) > 0;
    const useCount = useRegular ? regularCount - (selfRegular ? 1 : 0) : count - 1;
    const tplBase = i * BEAT_LENGTH;
    for (let k = 0; k < BEAT_LENGTH; k++) {
      const self = Math.round(x[selfBase + k] * QUANTUM);
      if (useCount > 0) {
        const s = useRegular ? sums[k] - (selfRegular ? self : 0) : allSums[k] - self;
        template[tplBase + k] = s / useCount / QUANTUM;
      } else template[tplBase + k] = x[selfBase + k];
    }
    // The baseline is the context's mean RR (its span over its intervals), not the median: where
    // premature beats are the majority (MIT-BIH 232: 1,382 S among 1,780 beats) the median RR is
    // theirs, and they would look "on time"; the mean still counts the long cycles they break.
    const span = hi - lo > 1 ? (samples[hi - 1] - samples[lo]) / (hi - lo - 1) : 0;
    const baseMs = span > 0 ? (span * 1000) / fs : rrLocalMs[b];
    writeScalars(scalars, i * RHYTHM_SCALAR_COUNT, {
      previous: b > 0 ? rrPrevMs[b - 1] : 0,
      irregularity: irregularity(rrPrevMs, b),
      prev: rrPrevMs[b],
      next: rrNextMs[b],
      local: rrLocalMs[b],
      base: baseMs,
      beat: x.subarray(selfBase, selfBase + BEAT_LENGTH),
      tpl: template.subarray(tplBase, tplBase + BEAT_LENGTH),
    });
  }
  return { scalars, template };
}

/** a / b, or 1 where either is unknown (0): "as usual" is the honest guess for a missing RR. */
function ratio(a: number, b: number): number {
  return a > 0 && b > 0 ? a / b : 1;
}

function writeScalars(
  out: Float32Array,
  at: number,
  f: {
    prev: number;
    next: number;
    local: number;
    base: number;
    previous: number;
    irregularity: number;
    beat: Float32Array;
    tpl: Float32Array;
  },
): void {
  // Ratios are clipped: beyond 4× (or a 4 s interval) nothing more is learnt, and a gap in the
  // detections (an unreadable stretch) must not become an extreme input.
  const clip = (v: number, hi: number) => (v > hi ? hi : v);
  out[at] = clip(ratio(f.prev, f.base), 4);
  out[at + 1] = clip(ratio(f.next, f.base), 4);
  out[at + 2] = clip(ratio(f.local, f.base), 4);
  out[at + 3] = clip(ratio(f.prev, f.local), 4);
  out[at + 4] = clip(ratio(f.next, f.local), 4);
  out[at + 5] = clip(ratio(f.prev, f.next), 4);
  out[at + 6] = clip(f.prev / 1000, 4);
  out[at + 7] = clip(f.base / 1000, 4);
  let mb = 0;
  let mt = 0;
  for (let k = 0; k < BEAT_LENGTH; k++) {
    mb += f.beat[k];
    mt += f.tpl[k];
  }
  mb /= BEAT_LENGTH;
  mt /= BEAT_LENGTH;
  let cov = 0;
  let vb = 0;
  let vt = 0;
  let sq = 0;
  let max = 0;
  for (let k = 0; k < BEAT_LENGTH; k++) {
    const db = f.beat[k] - mb;
    const dt = f.tpl[k] - mt;
    cov += db * dt;
    vb += db * db;
    vt += dt * dt;
    const d = Math.abs(f.beat[k] - f.tpl[k]);
    sq += d * d;
    if (d > max) max = d;
  }
  out[at + 8] = vb > 0 && vt > 0 ? cov / Math.sqrt(vb * vt) : 1;
  out[at + 9] = Math.sqrt(sq / BEAT_LENGTH);
  out[at + 10] = max;
  out[at + 11] = clip(ratio(f.prev, f.previous), 4);
  out[at + 12] = clip(f.irregularity, 4);
}

/** Successive RR differences around beat b taken for its irregularity (8 before, 8 after). */
const IRREGULARITY_HALF_SPAN = 8;

/**
 * RR irregularity around beat b: the median absolute successive difference of the RR intervals
 * of its neighbours over their mean. One premature beat makes two large differences, which the
 * median ignores; in atrial fibrillation most differences are large (the basis of RR-based AF
 * detectors: Tateno & Glass 2001, Sarkar et al. 2008). It tells a premature beat in a regular
 * rhythm (an S beat) from an irregular rhythm's short cycles (N beats in AF, as AAMI labels them).
 */
function irregularity(rr: Float32Array, b: number): number {
  const a = Math.max(1, b - IRREGULARITY_HALF_SPAN);
  const z = Math.min(rr.length - 1, b + IRREGULARITY_HALF_SPAN);
  const diffs: number[] = [];
  let sum = 0;
  let count = 0;
  for (let j = a; j <= z; j++) {
    if (rr[j] > 0 && rr[j - 1] > 0) diffs.push(Math.abs(rr[j] - rr[j - 1]));
    if (rr[j] > 0) {
      sum += rr[j];
      count++;
    }
  }
  if (diffs.length === 0 || sum === 0) return 0;
  diffs.sort((p, q) => p - q);
  const m = diffs.length >> 1;
  const median = diffs.length % 2 ? diffs[m] : (diffs[m - 1] + diffs[m]) / 2;
  return median / (sum / count);
}

/** A multiset of numbers kept sorted (insert/remove by binary search), for a sliding median. */
class SortedValues {
  private readonly values: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(1, capacity));
  }
  private lowerBound(v: number): number {
    let a = 0;
    let z = this.size;
    while (a < z) {
      const m = (a + z) >> 1;
      if (this.values[m] < v) a = m + 1;
      else z = m;
    }
    return a;
  }
  insert(v: number): void {
    const at = this.lowerBound(v);
    this.values.copyWithin(at + 1, at, this.size);
    this.values[at] = v;
    this.size++;
  }
  remove(v: number): void {
    const at = this.lowerBound(v);
    if (at >= this.size || this.values[at] !== v) throw new Error(`value ${v} is not in the set`);
    this.values.copyWithin(at, at + 1, this.size);
    this.size--;
  }
  median(): number {
    const m = this.size >> 1;
    return this.size % 2 ? this.values[m] : (this.values[m - 1] + this.values[m]) / 2;
  }
}
