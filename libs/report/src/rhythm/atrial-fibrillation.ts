/**
 * Atrial fibrillation from RR irregularity: the detector of Dash, Chon, Lu and Raeder, "Automatic
 * real time detection of atrial fibrillation", Annals of Biomedical Engineering 37(9):1701-1709
 * (2009). A window of 128 consecutive RR intervals is AF when all three hold:
 *  - normalised RMSSD (RMSSD / mean RR) > 0.1,
 *  - Shannon entropy of the RR histogram (16 equal bins, normalised by log 16) > 0.7,
 *  - turning point ratio within 0.54..0.77 (random order gives ~2/3; the alternation of
 *    bigeminy gives ~1 and a steady rhythm much less),
 * RMSSD and entropy after removing the window's 8 longest and 8 shortest intervals (outliers
 * such as an isolated ectopic beat), as the paper does. Intervals touching a V or F beat are
 * left out first (atrialIntervals: our adaptation). Windows are evaluated every 16 intervals;
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

/**
 * Intervals the detector reads: known, and neither beat ventricular (V) or fusion (F). An
 * interval into or out of a ventricular beat says nothing about atrial rhythm, and without this
 * rule ventricular trigeminy and multiform PVCs read as AF (MIT-BIH 201, 208 in the README).
 * This is our adaptation of Dash et al., who used every interval.
 */
function atrialIntervals(p: PreparedSequence): Int32Array {
  const out: number[] = [];
  const ventricular = (c: string) => c === 'V' || c === 'F';
  for (let i = 1; i < p.rrS.length; i++)
    if (Number.isFinite(p.rrS[i]) && !ventricular(p.classes[i]) && !ventricular(p.classes[i - 1]))
      out.push(i);
  return Int32Array.from(out);
}

/** AF episodes (any length) as beat-time spans. */
export function afEpisodes(p: PreparedSequence): Episode[] {
  const idx = atrialIntervals(p);
  const m = idx.length;
  if (m < AF_WINDOW) return [];
  // unknown[i]: unknown intervals among rrS[1..i], so a span of intervals holds a gap when the
  // count differs at its ends.
  const unknown = new Int32Array(p.rrS.length);
  for (let i = 1; i < p.rrS.length; i++) unknown[i] = unknown[i - 1] + (Number.isFinite(p.rrS[i]) ? 0 : 1);
  const spansGap = (fromInterval: number, toInterval: number) =>
    unknown[toInterval] !== unknown[fromInterval];
  const blocks = Math.ceil(m / BLOCK);
  const af = new Uint8Array(blocks);
  const window = new Float64Array(AF_WINDOW);
  for (let b = 0; b < blocks; b++) {
    const centre = b * BLOCK + BLOCK / 2;
    const start = Math.min(Math.max(0, centre - AF_WINDOW / 2), m - AF_WINDOW);
    const blockEnd = Math.min(m, (b + 1) * BLOCK) - 1;
    const from = Math.min(start, b * BLOCK);
    const to = Math.max(start + AF_WINDOW - 1, blockEnd);
    if (spansGap(idx[from], idx[to])) continue;
    for (let k = 0; k < AF_WINDOW; k++) window[k] = p.rrS[idx[start + k]];
    af[b] = isAfWindow(windowFeatures(window)) ? 1 : 0;
  }
  const out: Episode[] = [];
  let b = 0;
  while (b < blocks) {
    if (!af[b]) {
      b++;
      continue;
    }
    let e = b;
    while (e + 1 < blocks && af[e + 1] && !spansGap(idx[e * BLOCK], idx[(e + 1) * BLOCK])) e++;
    const first = idx[b * BLOCK];
    const last = idx[Math.min(m, (e + 1) * BLOCK) - 1];
    const startS = p.timeS[first - 1]; // the beat that opens the episode's first interval
    const endS = p.timeS[last];
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
