/**
 * Merging a record's window parts into its beats (summarize), kept free of I/O so the
 * window-edge test can compare the merge with a whole-record pass.
 */
import { concatBeatResults, type BeatResults, type UnreadableRange } from '@holterflow/formats';

export interface MergedRecord {
  results: BeatResults;
  unreadable: UnreadableRange[];
}

/**
 * Parts in window order → one table. Owned ranges are disjoint and ascending, so the merged
 * R-peaks must be strictly ascending; anything else means a part from another plan, and the
 * merge refuses it rather than writing doubled or shuffled beats.
 */
export function mergeParts(
  parts: readonly { results: BeatResults; unreadable: readonly UnreadableRange[] }[],
  fs: number,
): MergedRecord {
  const results = concatBeatResults(parts.map((p) => p.results));
  for (let i = 1; i < results.samples.length; i++)
    if (results.samples[i] <= results.samples[i - 1])
      throw new Error(
        `parts overlap: beat at sample ${results.samples[i]} (window ${results.window[i]}) follows ${results.samples[i - 1]} (window ${results.window[i - 1]})`,
      );
  const unreadable = parts.flatMap((p) => p.unreadable.map((u) => ({ ...u })));
  recomputeRrIntervals(results, fs, unreadable);
  return { results, unreadable };
}

/**
 * RR intervals over the whole record, across window edges: from each beat to its neighbours, in
 * ms. NaN at the record's ends and where an unreadable stretch lies between two beats (beats
 * may have been missed there, so the interval is not an RR interval).
 */
export function recomputeRrIntervals(
  results: BeatResults,
  fs: number,
  unreadable: readonly UnreadableRange[],
): void {
  const s = results.samples;
  const n = s.length;
  const gaps = [...unreadable].sort((a, b) => a.start - b.start);
  let g = 0;
  for (let i = 0; i < n; i++) {
    results.rrNextMs[i] = NaN;
    if (i === 0) {
      results.rrPrevMs[0] = NaN;
      continue;
    }
    // Skip stretches that end before the previous beat; the next one decides.
    while (g < gaps.length && gaps[g].end <= s[i - 1]) g++;
    const crossesGap = g < gaps.length && gaps[g].start < s[i];
    const rr = crossesGap ? NaN : ((s[i] - s[i - 1]) * 1000) / fs;
    results.rrPrevMs[i] = rr;
    results.rrNextMs[i - 1] = rr;
  }
}
