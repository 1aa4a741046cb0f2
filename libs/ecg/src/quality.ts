/**
 * Lead quality per one-second block of native samples: a block of a lead is unreadable when it has
 * missing samples (NaN), is flat (no electrical activity, e.g. a disconnected electrode) or sits on
 * an amplifier rail (saturated). Blocks are anchored at the record start so that a window of a
 * record gets the same verdicts as a whole-record pass.
 */

import { UNREADABLE_REASONS, type UnreadableReason } from '@holterflow/contracts';

/** Why no beat can be read (libs/contracts): no samples, no electrical activity, a clipped
 * amplifier, or noise that drowns the QRS complexes (noise-quality.ts, judged after the others
 * on the cleaned leads). */
export type { UnreadableReason };

/** Peak-to-peak below this (mV) over a whole second is no ECG: even a fine-wave AF lead moves more. */
const FLAT_PEAK_TO_PEAK_MV = 0.02;
/** A second in which this share of samples sits exactly on the block's extreme is a clipped rail. */
const SATURATED_SHARE = 0.2;

export const QUALITY_BLOCK_SECONDS = 1;

export interface LeadQuality {
  /** Absolute index of the first block (block b covers native samples [b*blockSize, (b+1)*blockSize)). */
  firstBlock: number;
  blockSize: number;
  /** 0 = readable, NOT_JUDGED for a block left out (see assessLead), else 1 + index of the reason
   * in REASONS. */
  verdict: Uint8Array;
}

/** Verdict of a block that assessLead was asked to skip: neither readable nor a known reason. */
export const NOT_JUDGED = 255;

export const REASONS: readonly UnreadableReason[] = UNREADABLE_REASONS;
/** Verdict code of a block judged too noisy (set by preprocessLeads, not by assessLead). */
export const NOISE_VERDICT = 1 + REASONS.indexOf('noise');

/**
 * Judge every block of one lead; `offset` is the record sample index of x[0]. With `onlyWhere`
 * (the verdicts of another lead over the same samples), judge only the blocks where that lead is
 * not readable (nonzero) and mark the others NOT_JUDGED: a stand-in lead matters only there.
 */
export function assessLead(x: Float32Array, fs: number, offset: number, onlyWhere?: Uint8Array): LeadQuality {
  const blockSize = Math.max(1, Math.round(fs * QUALITY_BLOCK_SECONDS));
  const firstBlock = Math.floor(offset / blockSize);
  const lastBlock = Math.floor((offset + x.length - 1) / blockSize);
  const verdict = new Uint8Array(Math.max(0, lastBlock - firstBlock + 1));
  for (let b = firstBlock; b <= lastBlock; b++) {
    if (onlyWhere && onlyWhere[b - firstBlock] === 0) {
      verdict[b - firstBlock] = NOT_JUDGED;
      continue;
    }
    const from = Math.max(0, b * blockSize - offset);
    const to = Math.min(x.length, (b + 1) * blockSize - offset);
    // One pass: extremes and how many samples sit exactly on each (the count restarts when a
    // new extreme appears), so saturation costs no second pass.
    let min = Infinity;
    let max = -Infinity;
    let atMin = 0;
    let atMax = 0;
    let missing = false;
    for (let i = from; i < to; i++) {
      const v = x[i];
      // Most samples lie strictly between the extremes so far and change nothing: one
      // well-predicted test for them (NaN fails it and is caught below).
      if (v < max && v > min) continue;
      if (v !== v) {
        missing = true;
        break;
      }
      if (v > max) {
        max = v;
        atMax = 1;
      } else if (v === max) atMax++;
      if (v < min) {
        min = v;
        atMin = 1;
      } else if (v === min) atMin++;
    }
    let code = 0;
    if (missing) code = 1;
    else if (max - min < FLAT_PEAK_TO_PEAK_MV) code = 2;
    else if (atMin + atMax >= SATURATED_SHARE * (to - from)) code = 3;
    verdict[b - firstBlock] = code;
  }
  return { firstBlock, blockSize, verdict };
}

/** True when some judged block of the lead has missing samples. */
export function hasMissing(q: LeadQuality): boolean {
  return q.verdict.includes(1 + REASONS.indexOf('missing'));
}

/** True when x[from, to) holds a missing sample (NaN). */
export function hasMissingIn(x: Float32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (x[i] !== x[i]) return true;
  return false;
}

/** Replace NaN runs by the last valid value (0 before the first one) so filters stay finite. */
export function withoutMissing(x: Float32Array): Float32Array {
  let firstNaN = -1;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i]) {
      firstNaN = i;
      break;
    }
  }
  if (firstNaN < 0) return x;
  const y = x.slice();
  let last = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== y[i]) y[i] = last;
    else last = y[i];
  }
  return y;
}
