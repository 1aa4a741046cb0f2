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
 * in a window sees the same context as in a whole-record pass). The baseline RR is the mean RR
 * of the beats in the context; the dominant beat (template) is the mean cut of the context's
 * *regular* beats (RR before >= REGULAR_PREMATURITY × the local mean RR: premature beats, ectopic
 * ones among them, stay out), the beat itself excluded; likewise the pre-R template (the P wave).
 *
 * Window invariance: a classify window computes these from the beats of its slice. With margins of
 * at least RHYTHM_CONTEXT_SECONDS beyond the owned range (plus the detector's own margin) it sees
 * exactly the beats a whole-record pass sees, and the results are bit-identical because nothing
 * depends on where a running computation started: the baseline is a span over a count, and the
 * templates sum cuts quantised to integers (exact in any order) before one division.
 */
import { AF_WINDOW, afWindowFeatures, isAfWindow } from './af-rr.js';
import { BEAT_FS } from './beat-rate.js';
import { lowerBound } from './sorted.js';
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
  // holterflow-rhythm-2 adds the columns below; the ones above keep their definitions.
  'rr_next_s',
  'rr_local_s',
  'pre_template_correlation',
  'pre_template_rms_difference',
  'pre_energy_over_template',
  'qrs_rms_difference',
  'qrs_slope_over_template',
  // holterflow-rhythm-3: the rhythm around the beat by Dash et al.'s AF test (af-rr.ts).
  'af_nrmssd',
  'af_entropy',
  'af_turning_point_ratio',
  'af_window',
  // holterflow-rhythm-4: the beat against its template on the second lead (V1, V2, V4 or V5
  // beside MLII in MIT-BIH); without one, the primary's values. Measured on the DS1 folds not to
  // help (libs/training README "After version 6"): no shipped model reads them.
  'lead2_template_correlation',
  'lead2_template_rms_difference',
  'lead2_template_max_difference',
] as const;
export const RHYTHM_SCALAR_COUNT = RHYTHM_SCALAR_FEATURES.length;
/**
 * Bump whenever a feature's definition changes: datasets and models record it. A version may only
 * add columns: a model lists the features it reads by name (model.json `scalarFeatures`) and
 * selectRhythmScalars picks them, so a model trained on an earlier version reads the same values.
 */
export const RHYTHM_FEATURES_VERSION = 'holterflow-rhythm-4';
/** The 13 features of holterflow-rhythm-1 (rhythm-mlp-v1 and its twin read these). */
export const RHYTHM_1_FEATURES = RHYTHM_SCALAR_FEATURES.slice(0, 13);
/** The 20 features of holterflow-rhythm-2. */
export const RHYTHM_2_FEATURES = RHYTHM_SCALAR_FEATURES.slice(0, 20);
/** The 24 features of holterflow-rhythm-3. */
export const RHYTHM_3_FEATURES = RHYTHM_SCALAR_FEATURES.slice(0, 24);
/** The second lead's columns of holterflow-rhythm-4. */
export const LEAD2_FEATURES = RHYTHM_SCALAR_FEATURES.slice(24, 27);

/** Whether a model reading `features` needs the second lead cleaned and cut (BeatTable x2). */
export function readsSecondLead(features: readonly string[]): boolean {
  return features.some((f) => (LEAD2_FEATURES as readonly string[]).includes(f));
}

/**
 * The columns `names` of n beats' scalars (n × RHYTHM_SCALAR_COUNT), in that order: what a model
 * that lists those features reads. The dataset side of training and the classify workers both call
 * it. An unknown name is an error that names it (a model newer than this code).
 */
export function selectRhythmScalars(
  scalars: Float32Array,
  n: number,
  names: readonly string[],
): Float32Array {
  if (scalars.length !== n * RHYTHM_SCALAR_COUNT)
    throw new RangeError(`expected ${n} × ${RHYTHM_SCALAR_COUNT} rhythm scalars, got ${scalars.length}`);
  const columns = names.map((name) => {
    const at = (RHYTHM_SCALAR_FEATURES as readonly string[]).indexOf(name);
    if (at < 0) throw new Error(`rhythm feature ${name} is not computed by ${RHYTHM_FEATURES_VERSION}`);
    return at;
  });
  if (columns.length === RHYTHM_SCALAR_COUNT && columns.every((c, i) => c === i)) return scalars;
  const out = new Float32Array(n * columns.length);
  for (let b = 0; b < n; b++)
    for (let c = 0; c < columns.length; c++)
      out[b * columns.length + c] = scalars[b * RHYTHM_SCALAR_COUNT + columns[c]];
  return out;
}

/**
 * The stretch before each R-peak (the P wave and the QRS onset; the cut starts at the R-peak, so
 * it lies at the end of the previous beat's cut): PRE_SAMPLES samples at BEAT_FS (0.2 s). A
 * supraventricular beat's P wave is early, abnormal or hidden in the preceding T wave; a sinus
 * beat's is the patient's usual one (de Chazal et al. 2004 measure P-wave presence for the same
 * reason).
 */
const PRE_SAMPLES = 25;
/** Samples of the cut after the R-peak taken as the QRS's second half (0.1 s). */
const QRS_SAMPLES = 13;

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
  const { samples, x, x2, rrPrevMs, rrNextMs, rrLocalMs } = beats;

  const regular = new Uint8Array(total);
  for (let j = 0; j < total; j++)
    regular[j] = rrPrevMs[j] > 0 && rrPrevMs[j] >= REGULAR_PREMATURITY * rrLocalMs[j] ? 1 : 0;
  const preStart = preSegmentStarts(beats, fs);

  // Sliding context [lo, hi) over beat indices; both ends only move forward.
  let lo = 0;
  let hi = 0;
  const primarySums = cutSums(x);
  // The second lead's template, from the same beats (x2: its cuts, when the table has them).
  const secondSums = x2 ? cutSums(x2) : undefined;
  const template2 = new Float32Array(x2 ? BEAT_LENGTH : 0);
  let regularCount = 0;
  let count = 0;
  // The pre-R template: the regular beats' pre-R stretches (those known). The context's first
  // beat is left out at use: its stretch lies in a beat before the context, which a window's
  // table may not hold, so whole-record and window passes average the same stretches.
  const preSums = new Int32Array(PRE_SAMPLES);
  let preCount = 0;
  const addPre = (j: number, sign: 1 | -1, into: Int32Array) => {
    const at = preStart[j];
    for (let k = 0; k < PRE_SAMPLES; k++) into[k] += sign * Math.round(x[at + k] * QUANTUM);
  };
  const preRegular = (j: number) => regular[j] === 1 && preStart[j] >= 0;
  const add = (j: number, sign: 1 | -1) => {
    const reg = regular[j] === 1;
    addCut(primarySums, j, sign, reg);
    if (secondSums) addCut(secondSums, j, sign, reg);
    count += sign;
    if (reg) regularCount += sign;
    if (preRegular(j)) {
      addPre(j, sign, preSums);
      preCount += sign;
    }
  };
  const afAt = afGrid(samples, fs, contextSeconds);
  const preBeat = new Float32Array(PRE_SAMPLES);
  const preTemplate = new Float32Array(PRE_SAMPLES);
  const preScratch = new Int32Array(PRE_SAMPLES);

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
    const use = { self: b, selfRegular, useRegular, useCount };
    templateInto(template, tplBase, primarySums, use);
    if (secondSums) templateInto(template2, 0, secondSums, use);
    // The baseline is the context's mean RR (its span over its intervals), not the median: where
    // premature beats are the majority (MIT-BIH 232: 1,382 S among 1,780 beats) the median RR is
    // theirs, and they would look "on time"; the mean still counts the long cycles they break.
    const span = hi - lo > 1 ? (samples[hi - 1] - samples[lo]) / (hi - lo - 1) : 0;
    const baseMs = span > 0 ? (span * 1000) / fs : rrLocalMs[b];
    // Pre-R template without the context's first beat and without this beat.
    preScratch.set(preSums);
    let preUse = preCount;
    if (preRegular(lo)) {
      addPre(lo, -1, preScratch);
      preUse--;
    }
    if (b !== lo && preRegular(b)) {
      addPre(b, -1, preScratch);
      preUse--;
    }
    const preKnown = preStart[b] >= 0 && preUse > 0;
    if (preKnown) {
      for (let k = 0; k < PRE_SAMPLES; k++) {
        preBeat[k] = x[preStart[b] + k];
        preTemplate[k] = preScratch[k] / preUse / QUANTUM;
      }
    }
    writeScalars(scalars, i * RHYTHM_SCALAR_COUNT, {
      previous: b > 0 ? rrPrevMs[b - 1] : 0,
      irregularity: irregularity(rrPrevMs, b),
      prev: rrPrevMs[b],
      next: rrNextMs[b],
      local: rrLocalMs[b],
      base: baseMs,
      beat: x.subarray(selfBase, selfBase + BEAT_LENGTH),
      tpl: template.subarray(tplBase, tplBase + BEAT_LENGTH),
      pre: preKnown ? { beat: preBeat, tpl: preTemplate } : undefined,
      af: afAt(t),
      second: x2 ? { beat: x2.subarray(selfBase, selfBase + BEAT_LENGTH), tpl: template2 } : undefined,
    });
  }
  return { scalars, template };
}

/** One lead's cuts and their running sums over the context: all beats, and the regular ones. */
interface CutSums {
  cuts: Float32Array;
  all: Int32Array;
  regular: Int32Array;
}

function cutSums(cuts: Float32Array): CutSums {
  return { cuts, all: new Int32Array(BEAT_LENGTH), regular: new Int32Array(BEAT_LENGTH) };
}

/** Beat j's cut into (sign 1) or out of (−1) the sums, quantised to integers (exact in any order). */
function addCut(s: CutSums, j: number, sign: 1 | -1, isRegular: boolean): void {
  const base = j * BEAT_LENGTH;
  for (let k = 0; k < BEAT_LENGTH; k++) {
    const q = sign * Math.round(s.cuts[base + k] * QUANTUM);
    s.all[k] += q;
    if (isRegular) s.regular[k] += q;
  }
}

/**
 * Beat `self`'s template into out[at, at + BEAT_LENGTH): the mean of the regular sums (or of all
 * where useRegular is false) without the beat itself; the beat's own cut where nothing is left.
 */
function templateInto(
  out: Float32Array,
  at: number,
  s: CutSums,
  use: { self: number; selfRegular: boolean; useRegular: boolean; useCount: number },
): void {
  const selfBase = use.self * BEAT_LENGTH;
  for (let k = 0; k < BEAT_LENGTH; k++) {
    const self = Math.round(s.cuts[selfBase + k] * QUANTUM);
    if (use.useCount > 0) {
      const sum = use.useRegular ? s.regular[k] - (use.selfRegular ? self : 0) : s.all[k] - self;
      out[at + k] = sum / use.useCount / QUANTUM;
    } else out[at + k] = s.cuts[selfBase + k];
  }
}

/**
 * Where each beat's pre-R stretch starts in x (an index into the previous beat's cut), or −1 where
 * it is not known: the first beat, an interval shorter than the stretch, or one longer than the
 * previous cut (a pause: the cut is 1.2 × its window's period, zero-padded; its last non-zero
 * sample tells its length).
 */
function preSegmentStarts(beats: BeatTable, fs: number): Int32Array {
  const { samples, x } = beats;
  const out = new Int32Array(samples.length).fill(-1);
  for (let j = 1; j < samples.length; j++) {
    const d = Math.round(((samples[j] - samples[j - 1]) * BEAT_FS) / fs);
    if (d < PRE_SAMPLES || d > BEAT_LENGTH) continue;
    const base = (j - 1) * BEAT_LENGTH;
    let length = BEAT_LENGTH;
    while (length > 0 && x[base + length - 1] === 0) length--;
    if (d > length) continue;
    out[j] = base + d - PRE_SAMPLES;
  }
  return out;
}

/** Correlation, RMS difference and energy ratio (variance over the template's) of a stretch. */
function compare(
  beat: Float32Array,
  tpl: Float32Array,
  from: number,
  to: number,
): { correlation: number; rms: number; energy: number; max: number } {
  const n = to - from;
  let mb = 0;
  let mt = 0;
  for (let k = from; k < to; k++) {
    mb += beat[k];
    mt += tpl[k];
  }
  mb /= n;
  mt /= n;
  let cov = 0;
  let vb = 0;
  let vt = 0;
  let sq = 0;
  let max = 0;
  for (let k = from; k < to; k++) {
    const db = beat[k] - mb;
    const dt = tpl[k] - mt;
    cov += db * dt;
    vb += db * db;
    vt += dt * dt;
    const d = Math.abs(beat[k] - tpl[k]);
    sq += d * d;
    if (d > max) max = d;
  }
  return {
    correlation: vb > 0 && vt > 0 ? cov / Math.sqrt(vb * vt) : 1,
    rms: Math.sqrt(sq / n),
    energy: vt > 0 ? vb / vt : vb > 0 ? 4 : 1,
    max,
  };
}

/** Sum of absolute successive differences over [from, to): how steep the stretch is. */
function slope(v: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let k = from + 1; k < to; k++) s += Math.abs(v[k] - v[k - 1]);
  return s;
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
    pre?: { beat: Float32Array; tpl: Float32Array };
    af: AfContext;
    second?: { beat: Float32Array; tpl: Float32Array };
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
  const whole = compare(f.beat, f.tpl, 0, BEAT_LENGTH);
  out[at + 8] = whole.correlation;
  out[at + 9] = whole.rms;
  out[at + 10] = whole.max;
  out[at + 11] = clip(ratio(f.prev, f.previous), 4);
  out[at + 12] = clip(f.irregularity, 4);
  // holterflow-rhythm-2. Absolute intervals beside the normalised ones (de Chazal et al. 2004):
  // where ectopic beats are a patient's usual rhythm, the baseline itself is short.
  out[at + 13] = clip(f.next / 1000, 4);
  out[at + 14] = clip(f.local / 1000, 4);
  // The P wave against the patient's usual one; unknown (a pause, the first beat): "as usual".
  const pre = f.pre ? compare(f.pre.beat, f.pre.tpl, 0, PRE_SAMPLES) : undefined;
  out[at + 15] = pre ? pre.correlation : 1;
  out[at + 16] = pre ? pre.rms : 0;
  out[at + 17] = pre ? clip(pre.energy, 4) : 1;
  // The QRS after the R-peak against the template's: a ventricular beat's is wide and slow.
  out[at + 18] = compare(f.beat, f.tpl, 0, QRS_SAMPLES).rms;
  const tplSlope = slope(f.tpl, 0, QRS_SAMPLES);
  out[at + 19] = clip(tplSlope > 0 ? slope(f.beat, 0, QRS_SAMPLES) / tplSlope : 1, 4);
  // holterflow-rhythm-3. The rhythm of the two minutes around the beat: in atrial fibrillation
  // short cycles are the rhythm, not supraventricular ectopy (AAMI labels those beats N).
  out[at + 20] = clip(f.af.nRmssd, 4);
  out[at + 21] = f.af.entropy;
  out[at + 22] = f.af.tpr;
  out[at + 23] = f.af.window ? 1 : 0;
  // holterflow-rhythm-4. With one lead, the second reads as the first: "the same evidence".
  const other = f.second ? compare(f.second.beat, f.second.tpl, 0, BEAT_LENGTH) : whole;
  out[at + 24] = other.correlation;
  out[at + 25] = other.rms;
  out[at + 26] = other.max;
}

/** Dash et al.'s window statistics where they were computed; a steady rhythm where not. */
interface AfContext {
  nRmssd: number;
  entropy: number;
  tpr: number;
  window: boolean;
}
const NO_AF_CONTEXT: AfContext = { nRmssd: 0, entropy: 0, tpr: 0, window: false };
/** Spacing (s) of the record-anchored grid the AF statistics are computed on. */
const AF_GRID_SECONDS = 10;

/**
 * AF statistics at a beat time t: those of the AF_WINDOW intervals centred on the grid point
 * nearest t (a grid anchored at the record start, every AF_GRID_SECONDS, computed once per point
 * and cached). The window's beats must lie within the context minus half a grid step of the
 * point, so they lie within the context of every beat that reads the point: a classify window
 * (margins of the context) and a whole-record pass see the same intervals, or both see too few
 * (slow rhythm, a gap, a record end) and read "no AF context". One window (one sort of 128
 * intervals) per 10 s, not per beat: the classify worker computes these for every beat.
 */
function afGrid(samples: Int32Array, fs: number, contextSeconds: number): (t: number) => AfContext {
  const step = AF_GRID_SECONDS * fs;
  const reach = (contextSeconds - AF_GRID_SECONDS / 2) * fs;
  const cache = new Map<number, AfContext>();
  const rr = new Float64Array(AF_WINDOW);
  return (t: number) => {
    const k = Math.round(t / step);
    const cached = cache.get(k);
    if (cached) return cached;
    const g = k * step;
    // Intervals into beats c−63 .. c+64, c the first beat at or after the grid point.
    const c = lowerBound(samples, g);
    const first = c - AF_WINDOW / 2; // the beat that opens the first interval
    const last = c + AF_WINDOW / 2;
    let context = NO_AF_CONTEXT;
    if (first >= 0 && last < samples.length && samples[first] >= g - reach && samples[last] <= g + reach) {
      for (let j = 0; j < AF_WINDOW; j++) rr[j] = samples[first + j + 1] - samples[first + j];
      const f = afWindowFeatures(rr);
      context = { ...f, window: isAfWindow(f) };
    }
    cache.set(k, context);
    return context;
  };
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
