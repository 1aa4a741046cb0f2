/**
 * QRS detection on the 125 Hz energy feature, after Pan & Tompkins (1985) with the decision rules
 * of Hamilton (2002, "Open Source ECG Analysis", OSEA):
 *  - candidate peaks are local maxima of the energy that dominate ±PEAK_NEIGHBOURHOOD;
 *  - detection threshold DT = NPK + 0.3125·(QPK − NPK), QPK and NPK the means of the last eight
 *    QRS and noise peak heights (finite memories, so two passes that start at different places
 *    converge to exactly the same state after eight agreeing decisions);
 *  - refractory period of 200 ms; a candidate within 360 ms of the last QRS whose steepest slope
 *    is under half of that QRS's is a T wave (Pan & Tompkins);
 *  - search-back: when 1.66 mean RR pass without a QRS, the largest candidate in the gap above
 *    DT/2 is taken (Pan & Tompkins' second threshold);
 *  - a small beat between two beats one ordinary RR apart is noise (dropInterposedNoise);
 *  - an absolute floor on DT so that a flat or near-flat lead never yields beats.
 *
 * Window invariance by construction: an adaptive detector's state depends on everything it has
 * seen, and in noise two passes that started at different places (a classify window's slice and the
 * whole record) need not agree again for minutes — the cause of windows and whole records giving
 * different beats on noisy 128 Hz recordings. So decisions are made per record-anchored epoch of
 * EPOCH_SECONDS: the beats of epoch [A, A+E) come from a detector run started afresh WARM_UP_SECONDS
 * before A (learning period included) and run HOLD_SECONDS past A+E (so that a search-back for a gap
 * ending after A+E is made). Each epoch's beats are a function of the signal in
 * [A − WARM_UP, A + E + HOLD) only, whichever slice it was cut from, once the slice holds that
 * context (WINDOW_MARGIN_SECONDS leaves room for it and for the filters to forget the slice's edges).
 * The memories' means are summed oldest first, so equal memories give equal thresholds bit for bit
 * (summed in ring-slot order they differed in the last bit with the ring's rotation). Candidate
 * peaks (local dominant maxima, their heights and slopes) are found once per slice; only the cheap
 * decisions are replayed per epoch.
 */
import { BEAT_FS } from '../beat-rate.js';
import { lowerBound } from '../sorted.js';

const REFRACTORY = Math.round(0.2 * BEAT_FS);
const T_WAVE_WINDOW = Math.round(0.36 * BEAT_FS);
const PEAK_NEIGHBOURHOOD = Math.round(0.09 * BEAT_FS);
/** Hamilton's pre-blanking: a peak followed within 200 ms by a larger one is not a candidate. */
const PRE_BLANK = Math.round(0.2 * BEAT_FS);
const T_WAVE_SLOPE_RATIO = 0.5;
const SLOPE_LOOKBACK = Math.round(0.18 * BEAT_FS);
const LEARNING_SECONDS = 8;
const MEMORY = 8;
const THRESHOLD_FRACTION = 0.3125;
const SEARCH_BACK_RR = 1.66;
const MAX_CANDIDATES = 256;
/** An interposed beat: its neighbours' distance is within these fractions of the recent RR… */
const INTERPOSED_SPAN_MIN = 0.85;
const INTERPOSED_SPAN_MAX = 1.2;
/** …it sits closer than this fraction of that RR to one of them… */
const INTERPOSED_NEAR = 0.6;
/** …and its energy peak is under this fraction of the larger neighbour's. */
const INTERPOSED_HEIGHT = 0.5;
/** RR intervals before the interposed beat whose median is the recent RR. */
const INTERPOSED_RR_COUNT = 8;
/**
 * RMS slope (mV/s over 150 ms) below which nothing is a QRS: a 0.1 mV, 80 ms QRS already
 * gives well above this, while filtered quantisation noise of a flat lead stays far below.
 */
export const ENERGY_FLOOR = 0.7;

/** Record-anchored epoch of decisions (s): divides every classify window (multiples of 10 s). */
export const EPOCH_SECONDS = 10;
/** Fresh start this long before each epoch: learning period plus 8 beats of memory. */
export const WARM_UP_SECONDS = 20;
/** Decisions run on this long after an epoch so that search-back across its end is made. */
export const HOLD_SECONDS = 4;

export interface QrsDetectorInput {
  /** Combined energy feature (QRS energy of the readable lead at each sample, (mV/s)²). */
  energy: Float32Array;
  /** Band-passed lead the slopes are measured on, per sample the same lead as `energy`. */
  band: Float32Array;
  /** Absolute 125 Hz index (from the record start) of element 0; epochs are anchored on it. */
  first?: number;
  /** 1 where some lead is readable (the energy is zero elsewhere); default everywhere. */
  readable?: Uint8Array;
  /** Keep the small beats dropInterposedNoise would take out. Only the training set's noisy
   * copies ask for it: their noise transients become Q examples (libs/training builder). */
  keepInterposedNoise?: boolean;
}

/** Mean of a ring of MEMORY values, summed from the oldest (at `slot`) to the newest. */
function ringMean(ring: Float64Array, slot: number): number {
  let s = 0;
  for (let k = 0; k < MEMORY; k++) s += ring[(slot + k) % MEMORY];
  return s / MEMORY;
}

function maxSlope(band: Float32Array, at: number): number {
  let best = 0;
  for (let j = Math.max(1, at - SLOPE_LOOKBACK); j <= at && j < band.length; j++) {
    const s = Math.abs(band[j] - band[j - 1]);
    if (s > best) best = s;
  }
  return best;
}

/** Candidate QRS peaks of a slice: local maxima of the energy that dominate their neighbourhood. */
interface Candidates {
  index: Int32Array;
  /** RMS slope (square root of the energy) at the peak. */
  height: Float64Array;
  /** Steepest band-passed slope in the 180 ms up to the peak (T-wave test). */
  slope: Float64Array;
}

function candidatePeaks(energy: Float32Array, band: Float32Array): Candidates {
  const n = energy.length;
  const index: number[] = [];
  for (let i = 1; i < n - 1; i++) {
    const v = energy[i];
    if (!(v > energy[i - 1] && v >= energy[i + 1])) continue;
    let dominant = true;
    const lo = Math.max(0, i - PEAK_NEIGHBOURHOOD);
    const hi = Math.min(n - 1, i + PRE_BLANK);
    for (let j = lo; j <= hi; j++) {
      if (energy[j] > v || (energy[j] === v && j < i)) {
        dominant = false;
        break;
      }
    }
    if (dominant) index.push(i);
  }
  return {
    index: Int32Array.from(index),
    height: Float64Array.from(index, (i) => Math.sqrt(energy[i])), // RMS slope: see qrsFeature
    slope: Float64Array.from(index, (i) => maxSlope(band, i)),
  };
}

/**
 * One fresh detector over slice samples [from, to): the accepted QRS peaks (slice indices). The
 * final search-back is made only when `to` is the slice's end (elsewhere the run goes on in the
 * next epoch's context).
 */
function runDetector(
  energy: Float32Array,
  cand: Candidates,
  from: number,
  to: number,
  keepInterposedNoise: boolean,
): number[] {
  const n = energy.length;
  const found: number[] = [];
  const span = to - from;
  if (span < 3) return found;

  const qrsPeaks = new Float64Array(MEMORY);
  const noisePeaks = new Float64Array(MEMORY);
  const rrs = new Float64Array(MEMORY).fill(BEAT_FS);
  // Learning period: the largest energy of each of the first seconds stands in for QRS heights.
  const learn = Math.min(LEARNING_SECONDS, Math.max(1, Math.floor(span / BEAT_FS)));
  for (let s = 0; s < MEMORY; s++) {
    const sec = s % learn;
    let m = 0;
    const end = Math.min(to, from + (sec + 1) * BEAT_FS);
    for (let i = from + sec * BEAT_FS; i < end; i++) if (energy[i] > m) m = energy[i];
    qrsPeaks[s] = Math.sqrt(m);
  }
  let qrsSlot = 0;
  let noiseSlot = 0;
  let rrSlot = 0;
  let threshold = Math.max(ENERGY_FLOOR, THRESHOLD_FRACTION * ringMean(qrsPeaks, qrsSlot));
  let lastQrs = -1;
  let lastSlope = 0;
  const candIndex = new Int32Array(MAX_CANDIDATES);
  const candValue = new Float64Array(MAX_CANDIDATES);
  let candCount = 0;

  const updateThreshold = (): void => {
    const q = ringMean(qrsPeaks, qrsSlot);
    const nz = ringMean(noisePeaks, noiseSlot);
    threshold = Math.max(ENERGY_FLOOR, nz + THRESHOLD_FRACTION * (q - nz));
  };
  const acceptQrs = (i: number, value: number, slope: number): void => {
    if (lastQrs >= 0) {
      rrs[rrSlot] = i - lastQrs;
      rrSlot = (rrSlot + 1) % MEMORY;
    }
    qrsPeaks[qrsSlot] = value;
    qrsSlot = (qrsSlot + 1) % MEMORY;
    lastQrs = i;
    lastSlope = slope;
    found.push(i);
    // Candidates before the new beat (and in its refractory period) are no longer eligible.
    let keep = 0;
    for (let c = 0; c < candCount; c++) {
      if (cand.index[candIndex[c]] > i + REFRACTORY) {
        candIndex[keep] = candIndex[c];
        candValue[keep] = candValue[c];
        keep++;
      }
    }
    candCount = keep;
    updateThreshold();
  };
  /** Take the largest candidate above DT/2 while the gap since the last QRS is too long. */
  const searchBack = (now: number): void => {
    while (lastQrs >= 0 && now - lastQrs > SEARCH_BACK_RR * ringMean(rrs, rrSlot) && candCount > 0) {
      let best = -1;
      for (let c = 0; c < candCount; c++) if (best < 0 || candValue[c] > candValue[best]) best = c;
      if (candValue[best] <= Math.max(ENERGY_FLOOR, threshold / 2)) return;
      const k = candIndex[best];
      acceptQrs(cand.index[k], candValue[best], cand.slope[k]);
    }
  };

  for (let k = lowerBound(cand.index, Math.max(1, from)); k < cand.index.length; k++) {
    const i = cand.index[k];
    if (i >= to || i >= n - 1) break;
    const height = cand.height[k];
    searchBack(i);
    if (lastQrs >= 0 && i - lastQrs < REFRACTORY) continue;
    const isTWave =
      lastQrs >= 0 && i - lastQrs < T_WAVE_WINDOW && cand.slope[k] < T_WAVE_SLOPE_RATIO * lastSlope;
    if (height > threshold && !isTWave) {
      acceptQrs(i, height, cand.slope[k]);
    } else {
      noisePeaks[noiseSlot] = height;
      noiseSlot = (noiseSlot + 1) % MEMORY;
      updateThreshold();
      // A T wave stays noise: search-back must not turn it into a beat during a pause.
      if (isTWave) continue;
      if (candCount === MAX_CANDIDATES) {
        candIndex.copyWithin(0, 1);
        candValue.copyWithin(0, 1);
        candCount--;
      }
      candIndex[candCount] = k;
      candValue[candCount] = height;
      candCount++;
    }
  }
  if (to >= n) searchBack(n);
  return keepInterposedNoise ? found : dropInterposedNoise(found, energy);
}

/**
 * Noise between two beats (electrode-motion transients in a noisy stretch): a beat whose two
 * neighbours are one ordinary RR apart, that sits well inside that interval and whose energy peak
 * is small beside theirs is taken out; an interposed beat of its neighbours' size (an
 * interpolated ectopic beat) stays. Real beats can still fall to it where small beats come at
 * random intervals: on clean MIT-BIH it takes 26, mostly in atrial fibrillation and flutter. Each
 * beat is judged against the beats kept before it, so the rule is a function of one detector run
 * (window invariance as above). Measured on the 48 MIT-BIH records, clean and with NST noise
 * (libs/ecg/RESULTS.md "Interposed noise").
 */
function dropInterposedNoise(found: number[], energy: Float32Array): number[] {
  if (found.length < INTERPOSED_RR_COUNT + 3) return found;
  const kept: number[] = [found[0]];
  const rr = new Float64Array(INTERPOSED_RR_COUNT);
  for (let i = 1; i < found.length; i++) {
    const prev = kept[kept.length - 1];
    const at = found[i];
    const next = found[i + 1];
    if (next !== undefined && kept.length > INTERPOSED_RR_COUNT) {
      for (let k = 0; k < INTERPOSED_RR_COUNT; k++)
        rr[k] = kept[kept.length - 1 - k] - kept[kept.length - 2 - k];
      rr.sort();
      const recent = (rr[INTERPOSED_RR_COUNT / 2 - 1] + rr[INTERPOSED_RR_COUNT / 2]) / 2;
      const span = next - prev;
      const near = Math.min(at - prev, next - at);
      const larger = Math.max(energy[prev], energy[next]);
      if (
        span >= INTERPOSED_SPAN_MIN * recent &&
        span <= INTERPOSED_SPAN_MAX * recent &&
        near < INTERPOSED_NEAR * recent &&
        energy[at] < INTERPOSED_HEIGHT * INTERPOSED_HEIGHT * larger // energies: heights squared
      )
        continue;
    }
    kept.push(at);
  }
  return kept;
}

/** Indices of the energy peaks judged to be QRS complexes, ascending. */
export function detectQrsPeaks({
  energy,
  band,
  first = 0,
  readable,
  keepInterposedNoise = false,
}: QrsDetectorInput): Int32Array {
  const n = energy.length;
  if (n < 3) return new Int32Array(0);
  const cand = candidatePeaks(energy, band);
  const epoch = EPOCH_SECONDS * BEAT_FS;
  const warmUp = WARM_UP_SECONDS * BEAT_FS;
  const hold = HOLD_SECONDS * BEAT_FS;
  const out: number[] = [];
  // Epoch k covers absolute samples [k·epoch, (k+1)·epoch); slice index = absolute − first.
  for (let k = Math.floor(first / epoch); k * epoch < first + n; k++) {
    const start = k * epoch - first;
    const end = start + epoch;
    // A run that would start in an unreadable stretch starts where the signal becomes readable:
    // it learns its thresholds from ECG, not from the zeros (which would let the filters' ringing
    // at the stretch's end pass as a beat).
    let from = Math.max(0, start - warmUp);
    if (readable && !readable[from]) from = readable.indexOf(1, from);
    if (from < 0) continue;
    for (const b of runDetector(energy, cand, from, Math.min(n, end + hold), keepInterposedNoise)) {
      if (b < start || b >= end) continue;
      // Two epochs' detectors may disagree at their seam: a beat in the refractory period of the
      // previous epoch's last beat is the same QRS or impossible; the earlier is kept. (Handing
      // over at the first beat both accepted instead was measured: the same 48-record counts.)
      if (out.length && b - out[out.length - 1] < REFRACTORY) continue;
      out.push(b);
    }
  }
  return Int32Array.from(out);
}
