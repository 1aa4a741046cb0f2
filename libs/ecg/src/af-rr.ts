/**
 * Atrial fibrillation from RR irregularity, the window statistics of Dash, Chon, Lu and Raeder,
 * "Automatic real time detection of atrial fibrillation", Annals of Biomedical Engineering
 * 37(9):1701-1709 (2009). A window of 128 consecutive RR intervals is AF when all three hold:
 *  - normalised RMSSD (RMSSD / mean RR) > 0.1,
 *  - Shannon entropy of the RR histogram (16 equal bins, normalised by log 16) > 0.7,
 *  - turning point ratio within 0.54..0.77 (random order gives ~2/3; the alternation of
 *    bigeminy gives ~1 and a steady rhythm much less),
 * RMSSD and entropy after removing the window's 8 longest and 8 shortest intervals (outliers
 * such as an isolated ectopic beat), as the paper does.
 * Two readers: the Holter report's AF episodes (libs/report) and the rhythm model's per-beat
 * features (rhythm.ts: in AF there are no supraventricular ectopic beats, AAMI labels them N).
 */
export const AF_WINDOW = 128;
const TRIM = 8;
const BINS = 16;
export const AF_DETECTOR =
  'Dash et al. 2009 (Ann Biomed Eng 37:1701): 128-RR windows, nRMSSD > 0.1, Shannon entropy > 0.7, turning point ratio 0.54-0.77';

export interface AfWindowFeatures {
  nRmssd: number;
  entropy: number;
  tpr: number;
}

/** The three features of one window of RR intervals (any unit). */
export function afWindowFeatures(rr: ArrayLike<number>): AfWindowFeatures {
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

export function isAfWindow(f: AfWindowFeatures): boolean {
  return f.nRmssd > 0.1 && f.entropy > 0.7 && f.tpr >= 0.54 && f.tpr <= 0.77;
}
