/**
 * Beat-by-beat comparison as ANSI/AAMI EC57 (and the WFDB `bxb` program): a detected beat matches
 * a reference beat when they are at most 150 ms apart; each beat matches at most once. Reference
 * beats are taken in time order, each with its closest free detection, looking one beat ahead so
 * that a detection between two reference beats goes to the nearer one when that costs no match.
 * Ventricular flutter/fibrillation episodes (between the WFDB '[' and ']' annotations) are left out
 * of QRS detection statistics, as EC57 prescribes: there are no QRS complexes to detect there.
 */
import { AAMI_CLASSES, type AamiClass } from '@holterflow/contracts';

export const MATCH_WINDOW_MS = 150;

export interface SampleRange {
  start: number;
  /** Exclusive. */
  end: number;
}

export interface BeatMatch {
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /** For each reference beat, the index of its detected beat or -1. */
  referenceToDetected: Int32Array;
  /** For each detected beat, the index of its reference beat or -1. */
  detectedToReference: Int32Array;
  /** Per reference beat: 1 when it lies in an excluded range (not counted either way). */
  referenceExcluded: Uint8Array;
  detectedExcluded: Uint8Array;
}

function inRanges(sample: number, ranges: readonly SampleRange[]): boolean {
  for (const r of ranges) if (sample >= r.start && sample < r.end) return true;
  return false;
}

/**
 * Match sorted reference and detected sample positions (same sampling rate `fs`).
 * @param excluded ranges of samples where neither side counts (EC57 VF episodes).
 */
export function matchBeats(
  reference: ArrayLike<number>,
  detected: ArrayLike<number>,
  fs: number,
  excluded: readonly SampleRange[] = [],
  windowMs = MATCH_WINDOW_MS,
): BeatMatch {
  const tolerance = (windowMs / 1000) * fs;
  const nr = reference.length;
  const nd = detected.length;
  const referenceExcluded = new Uint8Array(nr);
  const detectedExcluded = new Uint8Array(nd);
  for (let i = 0; i < nr; i++) referenceExcluded[i] = inRanges(reference[i], excluded) ? 1 : 0;
  for (let j = 0; j < nd; j++) detectedExcluded[j] = inRanges(detected[j], excluded) ? 1 : 0;
  const referenceToDetected = new Int32Array(nr).fill(-1);
  const detectedToReference = new Int32Array(nd).fill(-1);
  /** Closest free detection within tolerance of reference i, other than `not`; -1 if none. */
  const closestFree = (i: number, from: number, not = -1): number => {
    let best = -1;
    for (let j = from; j < nd && detected[j] <= reference[i] + tolerance; j++) {
      if (
        j === not ||
        detectedExcluded[j] ||
        detectedToReference[j] >= 0 ||
        detected[j] < reference[i] - tolerance
      )
        continue;
      if (best < 0 || Math.abs(detected[j] - reference[i]) < Math.abs(detected[best] - reference[i]))
        best = j;
    }
    return best;
  };
  let lo = 0;
  let truePositives = 0;
  for (let i = 0; i < nr; i++) {
    if (i > 0 && reference[i] < reference[i - 1]) throw new RangeError('reference beats must be sorted');
    if (referenceExcluded[i]) continue;
    while (lo < nd && detected[lo] < reference[i] - tolerance) lo++;
    let best = closestFree(i, lo);
    if (best < 0) continue;
    // Time order with one beat of look-ahead (as bxb does): a detection nearer to the next
    // reference beat is left to it, unless that would leave this beat unmatched for nothing.
    let next = i + 1;
    while (next < nr && referenceExcluded[next]) next++;
    if (next < nr && Math.abs(detected[best] - reference[next]) < Math.abs(detected[best] - reference[i])) {
      const alternative = closestFree(i, lo, best);
      if (alternative >= 0) best = alternative;
      else if (closestFree(next, lo, best) < 0) continue;
    }
    referenceToDetected[i] = best;
    detectedToReference[best] = i;
    truePositives++;
  }
  let falseNegatives = 0;
  for (let i = 0; i < nr; i++) if (!referenceExcluded[i] && referenceToDetected[i] < 0) falseNegatives++;
  let falsePositives = 0;
  for (let j = 0; j < nd; j++) if (!detectedExcluded[j] && detectedToReference[j] < 0) falsePositives++;
  return {
    truePositives,
    falseNegatives,
    falsePositives,
    referenceToDetected,
    detectedToReference,
    referenceExcluded,
    detectedExcluded,
  };
}

/** Sensitivity TP/(TP+FN) and positive predictivity TP/(TP+FP); 1 when there is nothing to find. */
export function sensitivity(m: Pick<BeatMatch, 'truePositives' | 'falseNegatives'>): number {
  const d = m.truePositives + m.falseNegatives;
  return d === 0 ? 1 : m.truePositives / d;
}

export function positivePredictivity(m: Pick<BeatMatch, 'truePositives' | 'falsePositives'>): number {
  const d = m.truePositives + m.falsePositives;
  return d === 0 ? 1 : m.truePositives / d;
}

/** EC57 VF/flutter episodes from WFDB annotations: '[' opens one, ']' closes it. */
export function ventricularFibrillationEpisodes(
  annotations: readonly { sample: number; symbol: string }[],
  recordLength: number,
): SampleRange[] {
  const out: SampleRange[] = [];
  let open = -1;
  for (const a of annotations) {
    if (a.symbol === '[' && open < 0) open = a.sample;
    else if (a.symbol === ']' && open >= 0) {
      out.push({ start: open, end: a.sample + 1 });
      open = -1;
    }
  }
  if (open >= 0) out.push({ start: open, end: recordLength });
  return out;
}

/**
 * Class confusion over matched beats (rows: reference class, columns: predicted class) plus the
 * reference beats of each class that were not detected at all, as EC57's beat-by-beat tables.
 */
export interface ClassConfusion {
  classes: readonly AamiClass[];
  /** matrix[ref][pred] counts. */
  matrix: number[][];
  missedByClass: number[];
}

export function classConfusion(
  match: BeatMatch,
  referenceClasses: readonly AamiClass[],
  detectedClasses: readonly AamiClass[],
): ClassConfusion {
  const k = AAMI_CLASSES.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const missedByClass = new Array<number>(k).fill(0);
  for (let i = 0; i < referenceClasses.length; i++) {
    if (match.referenceExcluded[i]) continue;
    const r = AAMI_CLASSES.indexOf(referenceClasses[i]);
    const j = match.referenceToDetected[i];
    if (j < 0) missedByClass[r]++;
    else matrix[r][AAMI_CLASSES.indexOf(detectedClasses[j])]++;
  }
  return { classes: AAMI_CLASSES, matrix, missedByClass };
}
