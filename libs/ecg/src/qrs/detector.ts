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
 *  - an absolute floor on DT so that a flat or near-flat lead never yields beats.
 */
import { BEAT_FS } from '../preprocess.js';

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
/**
 * RMS slope (mV/s over 150 ms) below which nothing is a QRS: a 0.1 mV, 80 ms QRS already
 * gives well above this, while filtered quantisation noise of a flat lead stays far below.
 */
export const ENERGY_FLOOR = 0.7;

export interface QrsDetectorInput {
  /** Combined energy feature (QRS energy of the readable lead at each sample, (mV/s)²). */
  energy: Float32Array;
  /** Band-passed lead the slopes are measured on, per sample the same lead as `energy`. */
  band: Float32Array;
}

function mean(ring: Float64Array): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) s += ring[i];
  return s / ring.length;
}

function maxSlope(band: Float32Array, at: number): number {
  let best = 0;
  for (let j = Math.max(1, at - SLOPE_LOOKBACK); j <= at && j < band.length; j++) {
    const s = Math.abs(band[j] - band[j - 1]);
    if (s > best) best = s;
  }
  return best;
}

/** Indices of the energy peaks judged to be QRS complexes, ascending. */
export function detectQrsPeaks({ energy, band }: QrsDetectorInput): Int32Array {
  const n = energy.length;
  const found: number[] = [];
  if (n < 3) return new Int32Array(0);

  const qrsPeaks = new Float64Array(MEMORY);
  const noisePeaks = new Float64Array(MEMORY);
  const rrs = new Float64Array(MEMORY).fill(BEAT_FS);
  // Learning period: the largest energy of each of the first seconds stands in for QRS heights.
  const learn = Math.min(LEARNING_SECONDS, Math.max(1, Math.floor(n / BEAT_FS)));
  for (let s = 0; s < MEMORY; s++) {
    const sec = s % learn;
    let m = 0;
    for (let i = sec * BEAT_FS; i < Math.min(n, (sec + 1) * BEAT_FS); i++) if (energy[i] > m) m = energy[i];
    qrsPeaks[s] = Math.sqrt(m);
  }
  let qrsSlot = 0;
  let noiseSlot = 0;
  let rrSlot = 0;
  let threshold = Math.max(ENERGY_FLOOR, THRESHOLD_FRACTION * mean(qrsPeaks));
  let lastQrs = -1;
  let lastSlope = 0;
  const candIndex = new Int32Array(MAX_CANDIDATES);
  const candValue = new Float64Array(MAX_CANDIDATES);
  let candCount = 0;

  const updateThreshold = (): void => {
    const q = mean(qrsPeaks);
    const nz = mean(noisePeaks);
    threshold = Math.max(ENERGY_FLOOR, nz + THRESHOLD_FRACTION * (q - nz));
  };
  const acceptQrs = (i: number, value: number): void => {
    if (lastQrs >= 0) {
      rrs[rrSlot] = i - lastQrs;
      rrSlot = (rrSlot + 1) % MEMORY;
    }
    qrsPeaks[qrsSlot] = value;
    qrsSlot = (qrsSlot + 1) % MEMORY;
    lastQrs = i;
    lastSlope = maxSlope(band, i);
    found.push(i);
    // Candidates before the new beat (and in its refractory period) are no longer eligible.
    let keep = 0;
    for (let c = 0; c < candCount; c++) {
      if (candIndex[c] > i + REFRACTORY) {
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
    while (lastQrs >= 0 && now - lastQrs > SEARCH_BACK_RR * mean(rrs) && candCount > 0) {
      let best = -1;
      for (let c = 0; c < candCount; c++) if (best < 0 || candValue[c] > candValue[best]) best = c;
      if (candValue[best] <= Math.max(ENERGY_FLOOR, threshold / 2)) return;
      acceptQrs(candIndex[best], candValue[best]);
    }
  };

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
    if (!dominant) continue;
    const height = Math.sqrt(v); // RMS slope: see qrsFeature
    searchBack(i);
    if (lastQrs >= 0 && i - lastQrs < REFRACTORY) continue;
    const isTWave =
      lastQrs >= 0 && i - lastQrs < T_WAVE_WINDOW && maxSlope(band, i) < T_WAVE_SLOPE_RATIO * lastSlope;
    if (height > threshold && !isTWave) {
      acceptQrs(i, height);
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
      candIndex[candCount] = i;
      candValue[candCount] = height;
      candCount++;
    }
  }
  searchBack(n);
  return Int32Array.from(found);
}
