/**
 * Beat segmentation as Kachuee, Fazeli & Sarrafzadeh (2018, "ECG Heartbeat Classification: A Deep
 * Transferable Representation", §III-A), the cut behind the Kaggle MIT-BIH beats the seed used:
 *  1. the 125 Hz lead is split into 10 s windows, each normalised to [0, 1];
 *  2. the median RR interval of the window's R-peaks is its nominal period T;
 *  3. from each R-peak a segment of 1.2·T samples is taken and zero-padded to 187 (1.5 s).
 * Windows are anchored at the record start (window w covers [10w, 10w+10) s), so a classify
 * worker's window aligned to them cuts every beat exactly as a whole-record pass does.
 * Choices the paper leaves open, made here: a segment running past its window's end continues
 * into the next samples under the same normalisation, clamped to [0, 1] (a beat should not lose
 * its T wave to an arbitrary window edge); T is capped so a segment never exceeds 187 samples.
 * The RR features are measured at the native rate between neighbouring R-peaks; `rrLocalMs` is
 * the mean of up to ten RR intervals centred on the beat (de Chazal et al. 2004 use a similar
 * local average). A missing neighbour (record edge) takes the local mean; 0 means unknown.
 */
import { SEGMENT_WINDOW_SECONDS } from '@holterflow/contracts';
import { BEAT_FS, type PreprocessedLeads } from './preprocess.js';

export const BEAT_LENGTH = 187;
export { SEGMENT_WINDOW_SECONDS };
const WINDOW = SEGMENT_WINDOW_SECONDS * BEAT_FS;
const LOCAL_RR_INTERVALS = 10;
/** Bump whenever the cut changes: datasets and models record which cut they were made with.
 * holterflow-2: a beat where the primary lead carries no signal is cut from the lead that stood in. */
export const SEGMENTATION_VERSION = 'kachuee2018/holterflow-2';

export interface RPeaks {
  /** R-peaks in record samples (native rate), ascending. */
  samples: Int32Array;
  /** The same R-peaks as absolute 125 Hz indices. */
  beatIndex: Int32Array;
}

/** Cut beats as a struct of arrays: beat i is x[i*187 .. i*187+187). */
export interface BeatTable {
  samples: Int32Array;
  x: Float32Array;
  /** The same beats cut from the second lead (pre.second), where it was cleaned: same windows,
   * same lengths, its own normalisation. Absent: one lead, or nothing reads it. */
  x2?: Float32Array;
  rrPrevMs: Float32Array;
  rrNextMs: Float32Array;
  rrLocalMs: Float32Array;
}

export function emptyBeatTable(): BeatTable {
  return {
    samples: new Int32Array(0),
    x: new Float32Array(0),
    rrPrevMs: new Float32Array(0),
    rrNextMs: new Float32Array(0),
    rrLocalMs: new Float32Array(0),
  };
}

/** Median of integer values (sorted in place, numerically: a typed array's default order). */
function median(values: Int32Array): number {
  values.sort();
  const m = values.length >> 1;
  return values.length % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
}

/**
 * Cut the beats peaks[from..to) (indices into `peaks`; the others are context for the RR
 * intervals and the windows' median RR) from the cleaned lead `lead` of `pre` (the primary) —
 * or, for a beat where that lead carries no signal at all (missing, flat, saturated:
 * `pre.primarySignal`), from the lead that stood in for its detection there: a beat found on V5
 * under a flat MLII is cut from V5, not from the flat line. Where the primary lead was only
 * judged noisy, its own cut is kept: the models were trained on it, and MIT-BIH 222's V calls
 * (reference: none) rose from 204 to 285 when its 302 s read on V1 were also cut from V1.
 * Each lead's 10 s windows are normalised on their own.
 */
export function segmentBeats(
  pre: PreprocessedLeads,
  lead: number,
  peaks: RPeaks,
  from = 0,
  to = peaks.samples.length,
): BeatTable {
  const signal = pre.leads[lead];
  if (!signal) throw new RangeError(`lead ${lead} was not preprocessed`);
  const n = Math.max(0, to - from);
  const out: BeatTable = {
    samples: peaks.samples.slice(from, to),
    x: new Float32Array(n * BEAT_LENGTH),
    rrPrevMs: new Float32Array(n),
    rrNextMs: new Float32Array(n),
    rrLocalMs: new Float32Array(n),
  };
  // Arrays as locals: V8 re-reads object fields on every iteration of the hot loops otherwise.
  const rPeaks = peaks.samples;
  const beatIndex = peaks.beatIndex;
  const x = out.x;
  const total = rPeaks.length;
  const msPerSample = 1000 / pre.fs;
  const rrScratch = new Int32Array(Math.max(1, total));
  const second = pre.second?.signal;
  const x2 = second ? new Float32Array(n * BEAT_LENGTH) : undefined;
  if (x2) out.x2 = x2;
  let windowId = Number.NaN;
  let cutLead = -1;
  let cutSignal = signal;
  let lo = 0;
  let scale = 0;
  let secondNorm = { lo: 0, scale: 0 };
  let length = 0;
  for (let b = from; b < to; b++) {
    const r = beatIndex[b];
    const w = Math.floor(r / WINDOW);
    const beatLead = cutLeadOf(pre, lead, r - pre.first);
    if (w !== windowId) {
      windowId = w;
      cutLead = -1;
      length = Math.min(BEAT_LENGTH, Math.round(1.2 * windowPeriod(beatIndex, b, w, rrScratch)));
      if (second) secondNorm = windowNormalisation(second, pre.first, w);
    }
    if (beatLead !== cutLead) {
      cutLead = beatLead;
      cutSignal = pre.leads[beatLead] as Float32Array;
      ({ lo, scale } = windowNormalisation(cutSignal, pre.first, w));
    }
    const base = (b - from) * BEAT_LENGTH;
    const start = r - pre.first;
    cutInto(x, base, cutSignal, start, length, lo, scale);
    if (x2 && second) cutInto(x2, base, second, start, length, secondNorm.lo, secondNorm.scale);
    // RR features. The intervals between beats first..last+1 sum to the span between them:
    // integers, so the telescoped sum is exact and equal to adding the intervals one by one.
    const first = Math.max(0, b - LOCAL_RR_INTERVALS / 2);
    const last = Math.min(total - 2, b + LOCAL_RR_INTERVALS / 2 - 1);
    const count = Math.max(0, last - first + 1);
    const local = count ? ((rPeaks[last + 1] - rPeaks[first]) / count) * msPerSample : 0;
    const i = b - from;
    out.rrLocalMs[i] = local;
    out.rrPrevMs[i] = b > 0 ? (rPeaks[b] - rPeaks[b - 1]) * msPerSample : local;
    out.rrNextMs[i] = b < total - 1 ? (rPeaks[b + 1] - rPeaks[b]) * msPerSample : local;
  }
  return out;
}

/** One beat: `length` samples of `signal` from `start`, normalised and clamped to [0, 1]. */
function cutInto(
  x: Float32Array,
  base: number,
  signal: Float32Array,
  start: number,
  length: number,
  lo: number,
  scale: number,
): void {
  const stop = Math.min(signal.length, start + length);
  for (let i = Math.max(0, start); i < stop; i++) {
    const v = (signal[i] - lo) * scale;
    x[base + i - start] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/**
 * The lead a beat at array index i is cut from: `lead` where its samples carry a signal, else the
 * first cleaned lead readable there (the one that stood in), else `lead`.
 */
function cutLeadOf(pre: PreprocessedLeads, lead: number, i: number): number {
  if (pre.primarySignal[i] === 1) return lead;
  for (let other = 0; other < pre.leads.length; other++)
    if (other !== lead && pre.leads[other] && pre.readable[other][i] === 1) return other;
  return lead;
}

/** Min and 1/(max−min) of window w of the lead (the part of it that is in the array). */
function windowNormalisation(signal: Float32Array, first: number, w: number): { lo: number; scale: number } {
  const a = Math.max(0, w * WINDOW - first);
  const z = Math.min(signal.length, (w + 1) * WINDOW - first);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = a; i < z; i++) {
    const v = signal[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo ? { lo, scale: 1 / (hi - lo) } : { lo: 0, scale: 0 };
}

/**
 * Median RR (125 Hz samples) of the R-peaks in window w, found from beat b (which is in it). With
 * a single beat in the window, its neighbouring intervals stand in; with none at all, one second.
 * `scratch` (at least as long as beatIndex) holds the intervals, so no array is allocated per window.
 */
function windowPeriod(beatIndex: Int32Array, b: number, w: number, scratch: Int32Array): number {
  let a = b;
  while (a > 0 && Math.floor(beatIndex[a - 1] / WINDOW) === w) a--;
  let z = b;
  while (z < beatIndex.length - 1 && Math.floor(beatIndex[z + 1] / WINDOW) === w) z++;
  let count = 0;
  for (let k = a; k < z; k++) scratch[count++] = beatIndex[k + 1] - beatIndex[k];
  if (count === 0) {
    if (a > 0) scratch[count++] = beatIndex[a] - beatIndex[a - 1];
    if (z < beatIndex.length - 1) scratch[count++] = beatIndex[z + 1] - beatIndex[z];
  }
  return count ? median(scratch.subarray(0, count)) : BEAT_FS;
}
