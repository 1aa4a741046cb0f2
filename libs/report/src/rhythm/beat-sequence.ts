/**
 * The input every rhythm rule works on: a record's beats in time order with their classes, and
 * the stretches where no lead could be read. RR intervals are derived here once, with the one
 * rule all figures share: an interval whose two beats have an unanalysable stretch between them
 * is not an RR interval (beats may have been missed there) and is NaN.
 */
import type { AamiClass } from '@holterflow/contracts';

export interface SampleRange {
  start: number;
  end: number;
}

/** An unanalysable stretch, with why (libs/contracts UNREADABLE_REASONS) where it is known. */
export interface UnanalysableRange extends SampleRange {
  reason?: string;
}

export interface BeatSequence {
  fs: number;
  /** Recording length in samples. */
  numSamples: number;
  /** R-peaks in record samples, strictly ascending. */
  samples: ArrayLike<number>;
  classes: readonly AamiClass[];
  /** Record-sample ranges [start, end) where nothing could be analysed (may overlap, any order). */
  unanalysable: readonly UnanalysableRange[];
}

/** What every rule reads: times and RR in seconds, NaN where there is no interval. */
export interface PreparedSequence {
  fs: number;
  durationS: number;
  timeS: Float64Array;
  classes: readonly AamiClass[];
  /** rrS[i]: seconds from beat i-1 to beat i; NaN for i = 0 and across an unanalysable stretch. */
  rrS: Float64Array;
  /** Unanalysable stretches in seconds, merged, sorted, clipped to the recording. */
  gapsS: { start: number; end: number }[];
  analysableS: number;
}

/** Sorted, merged, clipped ranges. */
export function mergeRanges(ranges: readonly SampleRange[], limit: number): SampleRange[] {
  const sorted = ranges
    .map((r) => ({ start: Math.max(0, r.start), end: Math.min(limit, r.end) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const out: SampleRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export function prepareSequence(seq: BeatSequence): PreparedSequence {
  const n = seq.samples.length;
  if (seq.classes.length !== n)
    throw new Error(`beat sequence: ${n} beats but ${seq.classes.length} classes`);
  const gaps = mergeRanges(seq.unanalysable, seq.numSamples);
  const timeS = new Float64Array(n);
  const rrS = new Float64Array(n);
  let g = 0;
  for (let i = 0; i < n; i++) {
    const s = seq.samples[i];
    timeS[i] = s / seq.fs;
    if (i === 0) {
      rrS[0] = NaN;
      continue;
    }
    const prev = seq.samples[i - 1];
    if (s <= prev) throw new Error(`beat sequence: beat ${i} at sample ${s} does not follow ${prev}`);
    while (g < gaps.length && gaps[g].end <= prev) g++;
    rrS[i] = g < gaps.length && gaps[g].start < s ? NaN : (s - prev) / seq.fs;
  }
  const gapSamples = gaps.reduce((sum, r) => sum + (r.end - r.start), 0);
  return {
    fs: seq.fs,
    durationS: seq.numSamples / seq.fs,
    timeS,
    classes: seq.classes,
    rrS,
    gapsS: gaps.map((r) => ({ start: r.start / seq.fs, end: r.end / seq.fs })),
    analysableS: (seq.numSamples - gapSamples) / seq.fs,
  };
}

/** Seconds of [from, to) that are analysable. */
export function analysableSecondsIn(p: PreparedSequence, from: number, to: number): number {
  let lost = 0;
  for (const gap of p.gapsS) {
    if (gap.end <= from) continue;
    if (gap.start >= to) break;
    lost += Math.min(to, gap.end) - Math.max(from, gap.start);
  }
  return Math.max(0, Math.min(to, p.durationS) - from - lost);
}
