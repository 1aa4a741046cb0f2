/**
 * Do a lead's beats repeat? The third noise index, for noise the noise floor (fSQI,
 * noise-quality.ts) does not see: electrode motion whose QRS-like transients keep the floor as
 * low as ECG's (median fSQI 0.10 on pure synthetic electrode motion against 0.04 on clean
 * MIT-BIH). A heart repeats its complexes — every beat of a real ECG has a near twin among the
 * beats around it, whatever the rhythm (bigeminy's V beats twin each other, as the N beats do) —
 * while noise transients come in every width and polarity. The index is the template-matching
 * idea of Orphanidou et al. 2015 (tSQI: beats against the 10 s average template), made robust to
 * ectopy by matching each beat with its best twin instead of one average (the average of N and V
 * beats in bigeminy matches neither; measured: Orphanidou's index fell below 0.5 in half of
 * MIT-BIH 200's clean 10 s windows).
 *
 * Per one-second quality block b: over the 10 blocks b−4 .. b+5 (the other indices' window), each
 * detected beat's highest correlation with another beat there, on the cleaned 125 Hz lead cut
 * from 330 ms before to 370 ms after the detector's energy peak (≈ 250 ms before to 450 ms after
 * the R-peak: the QRS with its P and T waves); the window's index is the median of those. The
 * block's verdict uses the median of the window indices of blocks b−30 .. b+30: a heart's
 * complexes repeat over a minute, while noise beats twin by chance in some 10 s windows (their
 * window indices spread from 0.4 to 0.8).
 *
 * The limit and the span were chosen on the 48 MIT-BIH records, clean and with NST-style noise
 * (bench/ecg-noise.ts, libs/ecg/RESULTS.md "The twin index"): clean records keep their verdicts
 * (13 s more marked, in natively noisy records), 24 dB marks nothing more, pure synthetic
 * electrode-motion, muscle and mixed noise are marked throughout; a ±6 s span left 70–150 of 600
 * s of pure electrode motion unmarked, a limit of 0.65 marked only 91 % of it.
 *
 * Window invariance: a block's verdict reads beats within ±35 s of it, themselves from detector
 * epochs started 20 s earlier, and the beats' own detector reads the verdicts of the 20 s before
 * its epoch: more than the 60 s classify margin on paper. The detector's finite memories agree
 * again within a few beats, and the window-invariance tests (300/600/1800 s windows at 128 and 360
 * Hz, clean, 6 and 0 dB noise, and pure electrode motion across window edges) give the
 * whole-record beats bit for bit with the 60 s margin.
 */
import { BEAT_FS } from './beat-rate.js';

/** Below this ±30 s median of the window indices a block's beats are noise. */
export const TWIN_LIMIT = 0.72;
/** Blocks on each side of a block whose window indices its verdict takes the median of. */
export const TWIN_SPAN_BLOCKS = 30;
/** A window's beats: blocks b − TWIN_WINDOW_BEFORE .. b + TWIN_WINDOW_AFTER. */
const TWIN_WINDOW_BEFORE = 4;
const TWIN_WINDOW_AFTER = 5;
/** The cut around the energy peak (which lags the R-peak by the 150 ms integration, ~80 ms). */
const CUT_FROM = -Math.round(0.33 * BEAT_FS);
const CUT_TO = Math.round(0.37 * BEAT_FS);
/** Fewer beats than this in a window give no index (a pause, asystole, a flat lead: other verdicts). */
const MIN_BEATS = 3;

/**
 * Per block [bounds[b], bounds[b+1]) of `x` (a cleaned 125 Hz lead), the ±30 s median of the
 * window twin indices; NaN where no window around the block holds MIN_BEATS cuttable beats.
 * `peaks` are the detector's energy peaks (indices into x, ascending); `judged[b]` false leaves a
 * block out (its beats take no part: an unreadable block's zeros are no beats).
 */
export function twinIndex(
  x: Float32Array,
  peaks: Int32Array,
  bounds: Int32Array,
  judged: (b: number) => boolean,
): Float64Array {
  const blocks = bounds.length - 1;
  const out = new Float64Array(blocks).fill(Number.NaN);
  if (blocks <= 0) return out;
  // The beats that can be cut, each normalised once (zero mean, unit norm): a correlation is a dot.
  const len = CUT_TO - CUT_FROM;
  const at: number[] = [];
  const block: number[] = [];
  const cuts: Float32Array[] = [];
  let b = 0;
  for (const p of peaks) {
    if (p + CUT_FROM < 0 || p + CUT_TO > x.length) continue;
    while (b < blocks - 1 && bounds[b + 1] <= p) b++;
    if (!judged(b)) continue;
    const cut = x.slice(p + CUT_FROM, p + CUT_TO);
    let mean = 0;
    for (let i = 0; i < len; i++) mean += cut[i];
    mean /= len;
    let norm = 0;
    for (let i = 0; i < len; i++) {
      cut[i] -= mean;
      norm += cut[i] * cut[i];
    }
    if (!(norm > 0)) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < len; i++) cut[i] *= scale;
    at.push(p);
    block.push(b);
    cuts.push(cut);
  }
  const n = cuts.length;
  if (n < MIN_BEATS) return out;
  // Correlations with the beats up to a window's length ahead, once per pair.
  const reach = (TWIN_WINDOW_BEFORE + TWIN_WINDOW_AFTER + 2) * BEAT_FS;
  const pairs: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    let j = i + 1;
    while (j < n && at[j] - at[i] < reach) j++;
    const row = new Float64Array(j - i - 1);
    for (let k = i + 1; k < j; k++) {
      let dot = 0;
      const a = cuts[i];
      const c = cuts[k];
      for (let s = 0; s < len; s++) dot += a[s] * c[s];
      row[k - i - 1] = dot;
    }
    pairs.push(row);
  }
  // Beats beyond a row's reach are farther apart than any window holds: never asked for.
  const corr = (i: number, k: number) => (k > i ? pairs[i][k - i - 1] : pairs[k][i - k - 1]);
  // The window index of every block (the median best-twin correlation of its window's beats).
  const window = new Float64Array(blocks).fill(Number.NaN);
  let first = 0;
  const best: number[] = [];
  for (let w = 0; w < blocks; w++) {
    const lo = Math.max(0, w - TWIN_WINDOW_BEFORE);
    const hi = Math.min(blocks - 1, w + TWIN_WINDOW_AFTER);
    while (first < n && block[first] < lo) first++;
    let last = first;
    while (last < n && block[last] <= hi) last++;
    if (last - first < MIN_BEATS) continue;
    best.length = 0;
    for (let i = first; i < last; i++) {
      let m = -1;
      for (let k = first; k < last; k++) if (k !== i && corr(i, k) > m) m = corr(i, k);
      best.push(m);
    }
    window[w] = median(best);
  }
  const values: number[] = [];
  for (let c = 0; c < blocks; c++) {
    values.length = 0;
    for (let w = Math.max(0, c - TWIN_SPAN_BLOCKS); w <= Math.min(blocks - 1, c + TWIN_SPAN_BLOCKS); w++)
      if (!Number.isNaN(window[w])) values.push(window[w]);
    if (values.length > 0) out[c] = median(values);
  }
  return out;
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
