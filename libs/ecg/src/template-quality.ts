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
 * (bench/ecg-twin-index.ts, bench/ecg-noise.ts; libs/ecg/RESULTS.md "The twin index"): 0.43 % of
 * clean blocks fall below the limit (105's native noise, and 222's atrial flutter, read on its
 * other lead), 24 dB marks nothing more, 99.4–100 % of pure synthetic electrode-motion, muscle
 * and mixed noise blocks fall below it; a ±6 s span left 70–150 of 600 s of pure electrode
 * motion unmarked, a limit of 0.65 marked only 91 % of it.
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
/** A window's beats: blocks w − TWIN_WINDOW_BEFORE .. w + TWIN_WINDOW_AFTER. */
const TWIN_WINDOW_BEFORE = 4;
const TWIN_WINDOW_AFTER = 5;
/** The cut around the energy peak (which lags the R-peak by the 150 ms integration, ~80 ms). */
const CUT_FROM = -Math.round(0.33 * BEAT_FS);
const CUT_TO = Math.round(0.37 * BEAT_FS);
/** Fewer beats than this in a window give no index (a pause, asystole, a flat lead: other verdicts). */
const MIN_BEATS = 3;

/**
 * Per block [bounds[b], bounds[b+1]) of `x` (a cleaned 125 Hz lead), the median of the window
 * twin indices of the blocks within ±TWIN_SPAN_BLOCKS; NaN where no window there holds MIN_BEATS
 * cuttable beats. `peaks` are the detector's energy peaks (indices into x, ascending);
 * `judged(b)` false leaves a block out (its beats take no part: an unreadable block's zeros are
 * no beats).
 */
export function twinIndex(
  x: Float32Array,
  peaks: Int32Array,
  bounds: Int32Array,
  judged: (b: number) => boolean,
): Float64Array {
  const blocks = bounds.length - 1;
  const out = new Float64Array(Math.max(0, blocks)).fill(Number.NaN);
  if (blocks <= 0) return out;
  // The beats that can be cut, each normalised once (zero mean, unit norm) into one array: a
  // correlation is then a dot product.
  const len = CUT_TO - CUT_FROM;
  const block: number[] = [];
  const starts: number[] = [];
  let b = 0;
  for (const p of peaks) {
    if (p + CUT_FROM < 0 || p + CUT_TO > x.length) continue;
    while (b < blocks - 1 && bounds[b + 1] <= p) b++;
    if (!judged(b)) continue;
    block.push(b);
    starts.push(p + CUT_FROM);
  }
  const n = block.length;
  if (n < MIN_BEATS) return out;
  const cuts = new Float32Array(n * len);
  for (let k = 0; k < n; k++) {
    const base = k * len;
    let mean = 0;
    for (let i = 0; i < len; i++) mean += x[starts[k] + i];
    mean /= len;
    let norm = 0;
    for (let i = 0; i < len; i++) {
      const v = x[starts[k] + i] - mean;
      cuts[base + i] = v;
      norm += v * v;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < len; i++) cuts[base + i] *= scale;
  }
  // Correlations of each beat with the later beats that can share a window with it, once per
  // pair: row k holds beats k+1 .. reach[k]−1.
  const span = TWIN_WINDOW_BEFORE + TWIN_WINDOW_AFTER + 1;
  const reach = new Int32Array(n);
  const rowStart = new Int32Array(n + 1);
  for (let k = 0, j = 0; k < n; k++) {
    j = Math.max(j, k + 1);
    while (j < n && block[j] - block[k] < span) j++;
    reach[k] = j;
    rowStart[k + 1] = rowStart[k] + (j - k - 1);
  }
  const dots = new Float32Array(rowStart[n]);
  for (let k = 0; k < n; k++) {
    const a = k * len;
    for (let m = k + 1; m < reach[k]; m++) {
      const c = m * len;
      let dot = 0;
      for (let j = 0; j < len; j++) dot += cuts[a + j] * cuts[c + j];
      dots[rowStart[k] + m - k - 1] = dot;
    }
  }
  // The window index of every block w (beats of blocks w−4 .. w+5): the median best twin.
  const window = new Float64Array(blocks).fill(Number.NaN);
  const best = new Float64Array(n);
  let from = 0;
  let to = 0;
  for (let w = 0; w < blocks; w++) {
    while (from < n && block[from] < w - TWIN_WINDOW_BEFORE) from++;
    to = Math.max(to, from);
    while (to < n && block[to] <= w + TWIN_WINDOW_AFTER) to++;
    if (to - from < MIN_BEATS) continue;
    best.fill(-1, from, to);
    for (let k = from; k < to; k++) {
      const row = rowStart[k] - k - 1;
      for (let m = k + 1; m < to; m++) {
        const dot = dots[row + m];
        if (dot > best[k]) best[k] = dot;
        if (dot > best[m]) best[m] = dot;
      }
    }
    window[w] = lowerMedian(best.slice(from, to).sort());
  }
  // Each block: the median of the window indices within ±TWIN_SPAN_BLOCKS, kept sorted as the
  // span slides (one value leaves, one enters).
  const sorted: number[] = [];
  const insert = (v: number) => {
    if (Number.isNaN(v)) return;
    let i = sorted.length;
    while (i > 0 && sorted[i - 1] > v) i--;
    sorted.splice(i, 0, v);
  };
  const remove = (v: number) => {
    if (Number.isNaN(v)) return;
    sorted.splice(sorted.indexOf(v), 1);
  };
  for (let w = 0; w <= Math.min(blocks - 1, TWIN_SPAN_BLOCKS); w++) insert(window[w]);
  for (let c = 0; c < blocks; c++) {
    if (c > 0) {
      if (c - TWIN_SPAN_BLOCKS - 1 >= 0) remove(window[c - TWIN_SPAN_BLOCKS - 1]);
      if (c + TWIN_SPAN_BLOCKS < blocks) insert(window[c + TWIN_SPAN_BLOCKS]);
    }
    if (sorted.length > 0) out[c] = lowerMedian(sorted);
  }
  return out;
}

function lowerMedian(sorted: ArrayLike<number>): number {
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
