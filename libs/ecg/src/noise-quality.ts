/**
 * Is a lead too noisy for its beats to be trusted? Two signal-quality indices per one-second
 * quality block, each over the 10 s centred on the block (the window length of Li, Mark & Clifford
 * 2008 and Behar et al. 2013):
 *  - fSQI, the noise floor: √(median over the 10 blocks of the block's 20th-percentile QRS energy ÷
 *    median of the blocks' largest energy) on the Pan–Tompkins energy feature — the RMS slope
 *    between beats against the RMS slope of the beats. Measured per block on the 48 MIT-BIH
 *    records: clean median 0.04, 90th percentile 0.10; in the noisy stretches at 6 dB median 0.15,
 *    at 0 dB 0.20. It plays the part of pSQI (QRS-band power ratio) and kSQI (kurtosis) in those
 *    papers; both were measured on 12 MIT-BIH records with NST-style noise and did not separate
 *    the blocks where detection failed (electrode-motion transients keep the kurtosis high and sit
 *    in the QRS band).
 *  - bSQI, beat agreement (Li et al. 2008): matched beats ÷ (beats of A + beats of B − matched)
 *    between the beats detected on two leads on their own (EC57 150 ms matching). The papers
 *    compare two detectors on one lead; here the second opinion is the other lead, so a lead is
 *    called noisy only where the leads also disagree.
 * A lead's block is noisy when its fSQI exceeds NOISE_FLOOR_LIMIT and, with a second readable lead,
 *  the leads' bSQI is below AGREEMENT_LIMIT; a single lead needs the stricter SINGLE_LEAD_FLOOR_LIMIT.
 * Noise that keeps the floor low (electrode motion) is caught by the third index, whether the
 * beats repeat (template-quality.ts).
 * Limits: chosen so that clean MIT-BIH keeps its detection figures (qrs-eval; 178 s of the 48
 * records are marked, in the natively noisy 105, 207, 104 and 108), then measured under noise
 * (bench/ecg-noise.ts, libs/ecg/RESULTS.md); 0.12 and 0.15 marked more of the noise but also
 * hundreds of clean beats of 208 (fast, wide ectopic beats raise its floor).
 */
import { lowerBound } from './sorted.js';

export const NOISE_FLOOR_LIMIT = 0.18;
export const SINGLE_LEAD_FLOOR_LIMIT = 0.25;
export const AGREEMENT_LIMIT = 0.8;
/** Blocks on each side of a block that its indices are computed over (10 blocks with it). */
export const SQI_CONTEXT_BLOCKS = 4;

/** The block statistic of the floor: a low quantile, because at fast rates with wide QRS
 * complexes (MIT-BIH 208) the 150 ms energy window is raised for half of every second. */
export const FLOOR_QUANTILE = 0.2;

function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length === 0 ? 0 : sorted[Math.floor(q * (sorted.length - 1))];
}

function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/**
 * Per block [bounds[b], bounds[b+1]) of `energy`: its median and its largest energy. Blocks whose
 * range is empty give 0.
 */
export function blockEnergyStats(
  energy: Float32Array,
  bounds: Int32Array,
): { medians: Float64Array; peaks: Float64Array } {
  const blocks = bounds.length - 1;
  const medians = new Float64Array(blocks);
  const peaks = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const from = bounds[b];
    const to = bounds[b + 1];
    if (to <= from) continue;
    const part = energy.subarray(from, to);
    medians[b] = quantile(part, FLOOR_QUANTILE);
    let m = 0;
    for (let i = 0; i < part.length; i++) if (part[i] > m) m = part[i];
    peaks[b] = m;
  }
  return { medians, peaks };
}

/** fSQI per block from the blocks' energy statistics (see the module comment). */
export function noiseFloor(stats: { medians: Float64Array; peaks: Float64Array }): Float64Array {
  const n = stats.medians.length;
  const out = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    const lo = Math.max(0, b - SQI_CONTEXT_BLOCKS);
    const hi = Math.min(n, b + SQI_CONTEXT_BLOCKS + 2);
    const floor = median(stats.medians.subarray(lo, hi));
    const peak = median(stats.peaks.subarray(lo, hi));
    out[b] = peak > 0 ? Math.sqrt(floor / peak) : 0;
  }
  return out;
}

/**
 * bSQI of two sorted beat lists (same time base) within [from, to): matched within `tolerance`
 * samples, each beat used once. 1 when neither has a beat there (nothing to disagree on).
 */
export function beatAgreement(
  a: Int32Array,
  b: Int32Array,
  from: number,
  to: number,
  tolerance: number,
): number {
  let i = lowerBound(a, from);
  let j = lowerBound(b, from);
  let na = 0;
  let nb = 0;
  let matched = 0;
  while ((i < a.length && a[i] < to) || (j < b.length && b[j] < to)) {
    const x = i < a.length && a[i] < to ? a[i] : Infinity;
    const y = j < b.length && b[j] < to ? b[j] : Infinity;
    if (Math.abs(x - y) <= tolerance) {
      matched++;
      na++;
      nb++;
      i++;
      j++;
    } else if (x < y) {
      na++;
      i++;
    } else {
      nb++;
      j++;
    }
  }
  const union = na + nb - matched;
  return union === 0 ? 1 : matched / union;
}
