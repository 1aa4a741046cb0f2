/**
 * Atrial fibrillation episodes from RR irregularity: the window test of Dash et al. 2009
 * (libs/ecg af-rr.ts, which the rhythm model's features share) over the record. Intervals
 * touching a V or F beat are left out first (atrialIntervals: our adaptation). Windows are evaluated every 16 intervals;
 * each block of 16 intervals takes the decision of the window centred on it, so an episode's edges
 * are known to about 16 beats. A window with an unknown interval (an unanalysable stretch) is
 * not evaluated, so no episode spans one. Episodes shorter than the minimum (30 s) are dropped.
 */
import { REPORT_EVENT_LIST_LIMIT, type AtrialFibrillation, type Episode } from '@holterflow/contracts';
import { AF_DETECTOR, AF_WINDOW, afWindowFeatures, isAfWindow } from '@holterflow/ecg';
import type { PreparedSequence } from './beat-sequence.js';

export { AF_DETECTOR, AF_WINDOW } from '@holterflow/ecg';

const BLOCK = 16;

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
    af[b] = isAfWindow(afWindowFeatures(window)) ? 1 : 0;
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
