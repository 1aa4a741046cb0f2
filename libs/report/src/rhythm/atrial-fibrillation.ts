/**
 * Atrial fibrillation from RR irregularity: the detector of Dash, Chon, Lu and Raeder, "Automatic
 * real time detection of atrial fibrillation", Annals of Biomedical Engineering 37(9):1701-1709
 * (2009). A window of 128 consecutive RR intervals is AF when all three hold:
 *  - normalised RMSSD (RMSSD / mean RR) > 0.1,
 *  - Shannon entropy of the RR histogram (16 equal bins, normalised by log 16) > 0.7,
 *  - turning point ratio within 0.54..0.77 (random order gives ~2/3; the alternation of
 *    bigeminy gives ~1 and a steady rhythm much less),
 * RMSSD and entropy after removing the window's 8 longest and 8 shortest intervals (outliers
 * such as an isolated ectopic beat), as the paper does. Windows are evaluated every 16 intervals;
 * each block of 16 intervals takes the decision of the window centred on it, so an episode's edges
 * are known to about 16 beats. A window with an unknown interval (an unanalysable stretch) is
 * not evaluated, so no episode spans one. Episodes shorter than the minimum (30 s) are dropped.
 */
import { REPORT_EVENT_LIST_LIMIT, type AtrialFibrillation, type Episode } from '@holterflow/contracts';
import type { PreparedSequence } from './beat-sequence.js';

export const AF_WINDOW = 128;
const BLOCK = 16;
const TRIM = 8;
const BINS = 16;
export const AF_DETECTOR =
  'Dash et al. 2009 (Ann Biomed Eng 37:1701): 128-RR windows, nRMSSD > 0.1, Shannon entropy > 0.7, turning point ratio 0.54-0.77';

export interface WindowFeatures {
  nRmssd: number;
  entropy: number;
  tpr: number;
}

/** The three features of one window of RR intervals (any unit). */
export function windowFeatures(rr: ArrayLike<number>): WindowFeatures {
  const n = rr.length;
  let turning = 0;
  for (let i = 1; i + 1 < n; i++) {
    const a = rr[i - 1];
    const b = rr[i];
    const c = rr[i + 1];
    if ((b > a && b > c) || (b < a && b < c)) turning++;
  }
  // Drop the TRIM longest and shortest, keeping the others in time order.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => rr[x] - rr[y]);
  const keep = new Uint8Array(n);
  for (let k = TRIM; k < n - TRIM; k++) keep[order[k]] = 1;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) kept.push(rr[i]);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < kept.length; i++) {
    sum += kept[i];
    if (i > 0) sq += (kept[i] - kept[i - 1]) ** 2;
  }
  const mean = sum / kept.length;
  const rmssd = Math.sqrt(sq / (kept.length - 1));
  const lo = rr[order[TRIM]];
  const hi = rr[order[n - TRIM - 1]];
  const hist = new Float64Array(BINS);
  for (const v of kept) hist[hi > lo ? Math.min(BINS - 1, Math.floor(((v - lo) / (hi - lo)) * BINS)) : 0]++;
  let entropy = 0;
  for (const h of hist) if (h > 0) entropy -= (h / kept.length) * Math.log(h / kept.length);
  return { nRmssd: rmssd / mean, entropy: entropy / Math.log(BINS), tpr: turning / (n - 2) };
}

export function isAfWindow(f: WindowFeatures): boolean {
  return f.nRmssd > 0.1 && f.entropy > 0.7 && f.tpr >= 0.54 && f.tpr <= 0.77;
}

/** AF episodes (any length) as beat-time spans. */
export function afEpisodes(p: PreparedSequence): Episode[] {
  const n = p.rrS.length; // intervals are rrS[1..n-1]
  const intervals = n - 1;
  if (intervals < AF_WINDOW) return [];
  const blocks = Math.ceil(intervals / BLOCK);
  const af = new Uint8Array(blocks);
  const window = new Float64Array(AF_WINDOW);
  for (let b = 0; b < blocks; b++) {
    const centre = 1 + b * BLOCK + BLOCK / 2;
    const start = Math.min(Math.max(1, centre - AF_WINDOW / 2), n - AF_WINDOW);
    let known = true;
    for (let k = 0; k < AF_WINDOW; k++) {
      const rr = p.rrS[start + k];
      if (!Number.isFinite(rr)) {
        known = false;
        break;
      }
      window[k] = rr;
    }
    // The block's own intervals must be known too (it may lie outside a window clamped at an end).
    for (let i = 1 + b * BLOCK; known && i < Math.min(n, 1 + (b + 1) * BLOCK); i++)
      if (!Number.isFinite(p.rrS[i])) known = false;
    af[b] = known && isAfWindow(windowFeatures(window)) ? 1 : 0;
  }
  const out: Episode[] = [];
  let b = 0;
  while (b < blocks) {
    if (!af[b]) {
      b++;
      continue;
    }
    let e = b;
    while (e + 1 < blocks && af[e + 1]) e++;
    const startS = p.timeS[b * BLOCK]; // the beat that opens the block's first interval
    const endS = p.timeS[Math.min(n - 1, (e + 1) * BLOCK)];
    out.push({ startS, endS, durationS: endS - startS });
    b = e + 1;
  }
  return out;
}

export function atrialFibrillation(
  p: PreparedSequence,
  episodes: readonly Episode[],
  minEpisodeSeconds: number,
): AtrialFibrillation {
  const kept = episodes.filter((e) => e.durationS >= minEpisodeSeconds);
  const totalSeconds = kept.reduce((s, e) => s + e.durationS, 0);
  return {
    detector: AF_DETECTOR,
    windowBeats: AF_WINDOW,
    minEpisodeSeconds,
    count: kept.length,
    totalSeconds,
    burdenPercent: p.analysableS > 0 ? Math.min(100, (100 * totalSeconds) / p.analysableS) : null,
    longest: [...kept].sort((a, b) => b.durationS - a.durationS)[0] ?? null,
    list: kept.slice(0, REPORT_EVENT_LIST_LIMIT),
  };
}
